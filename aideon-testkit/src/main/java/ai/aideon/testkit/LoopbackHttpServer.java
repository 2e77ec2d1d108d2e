package ai.aideon.testkit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 server on a plain {@link ServerSocket}, bound to 127.0.0.1 on an ephemeral port.
 *
 * <p>Plain sockets (rather than a framework server) give the fakes byte-level control for fault injection.
 * One virtual thread per connection keeps the code blocking and simple while still handling hundreds of
 * concurrent keep-alive connections in the benchmark.
 */
final class LoopbackHttpServer implements AutoCloseable {

    /** Handles one request; it must answer through the exchange (or reset/abort it). */
    interface Handler {
        void handle(HttpRequest request, HttpExchange exchange) throws IOException, InterruptedException;
    }

    private static final byte[] BAD_REQUEST = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 11\r\nConnection: close\r\n\r\nBad Request").getBytes(StandardCharsets.US_ASCII);

    private final Handler handler;
    private final String name;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket serverSocket;
    private volatile Thread acceptor;
    private volatile boolean closed;

    LoopbackHttpServer(String name, Handler handler) {
        this.name = name;
        this.handler = handler;
    }

    /** Binds an ephemeral port and starts accepting; returns the port. */
    int start() throws IOException {
        return start(0);
    }

    /** Binds {@code port} (0: any free one) and starts accepting; returns the port. */
    int start(int port) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true); // a restart on the same port must not wait for TIME_WAIT
        // Explicit 127.0.0.1 (not "localhost"): tests must never depend on name resolution or IPv6 preference.
        ss.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 1024);
        serverSocket = ss;
        acceptor = Thread.ofPlatform().daemon().name(name + "-accept-" + ss.getLocalPort()).start(this::acceptLoop);
        return ss.getLocalPort();
    }

    private void acceptLoop() {
        ServerSocket ss = serverSocket;
        while (!closed) {
            Socket socket;
            try {
                socket = ss.accept();
            } catch (IOException e) {
                if (closed) return;
                continue; // transient accept failure (e.g. too many open files): keep serving
            }
            connections.add(socket);
            Thread worker = Thread.ofVirtual().name(name + "-conn").unstarted(() -> serve(socket));
            workers.add(worker);
            worker.start();
            if (closed) closeQuietly(socket); // raced with close(): don't leak the socket
        }
    }

    private void serve(Socket socket) {
        try {
            socket.setTcpNoDelay(true); // streamed SSE events must not wait for Nagle
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            RequestReader reader = new RequestReader(socket.getInputStream());
            while (!closed) {
                HttpRequest request;
                try {
                    request = reader.next(out);
                } catch (MalformedRequestException e) {
                    out.write(BAD_REQUEST);
                    out.flush();
                    return;
                }
                if (request == null) return;
                HttpExchange exchange = new HttpExchange(socket, out, request);
                handler.handle(request, exchange);
                if (!exchange.reusable()) return;
            }
        } catch (SocketException e) {
            // peer closed or reset the connection, or we were closed: both end this connection quietly
        } catch (IOException e) {
            // broken connection mid-response (client timed out and hung up); nothing to report
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(socket);
            connections.remove(socket);
            workers.remove(Thread.currentThread());
        }
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    /**
     * Stops accepting, closes every open connection and wakes handlers sleeping in a fault delay. On return the port
     * refuses connections.
     */
    @Override
    public void close() {
        closed = true;
        ServerSocket ss = serverSocket;
        if (ss != null) {
            try {
                ss.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        awaitAcceptorExit();
        for (Socket s : connections) closeQuietly(s);
        for (Thread t : workers) t.interrupt();
    }

    /**
     * The JDK closes a listening socket that a thread is blocked on only once that thread has left {@code accept()}:
     * until the acceptor is scheduled again the kernel still completes handshakes. A test that stops a fake and then
     * expects "connection refused" would instead connect, be accepted and be hung up on.
     */
    private void awaitAcceptorExit() {
        Thread t = acceptor;
        if (t == null || t == Thread.currentThread()) return;
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.isAlive() && System.nanoTime() < deadline) {
            try {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true; // finish closing first; the caller still sees its interrupt afterwards
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
