package ai.aideon.providers.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A loopback server that answers every connection with the same bytes, written exactly as given: for the wire-level
 * cases a real HTTP server will not produce (no length and no chunking, conflicting lengths, broken status lines,
 * bodies cut short).
 */
final class RawServer implements AutoCloseable {
    /** What to do on a connection once the request head has been read. */
    @FunctionalInterface
    interface Script {
        void respond(OutputStream out) throws IOException;
    }

    private final ServerSocket socket;

    RawServer(Script script) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("raw-server").start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    Thread.ofVirtual().start(() -> serve(connection, script));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    static RawServer answering(String response) throws IOException {
        byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
        return new RawServer(out -> out.write(bytes));
    }

    static RawServer answering(String head, byte[] body) throws IOException {
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        return new RawServer(out -> {
            out.write(headBytes);
            out.write(body);
        });
    }

    String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    private static void serve(Socket connection, Script script) {
        try (connection) {
            readRequestHead(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            script.respond(out);
            out.flush();
        } catch (IOException clientWentAway) {
            // Expected whenever the fetcher gives up first.
        }
    }

    private static void readRequestHead(InputStream in) throws IOException {
        // Up to the blank line: the last four bytes read are CR LF CR LF.
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            last4 = (last4 << 8) | b;
            if (last4 == 0x0D0A0D0A) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
