package ai.aideon.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Writes the answer to one request, with the raw socket control that fault injection needs: a partial body,
 * an abrupt close, or a TCP reset.
 *
 * <p>Everything goes through one {@code BufferedOutputStream}; whole responses are flushed once, streamed
 * chunks once per chunk, so the client sees each SSE event as soon as it is "generated".
 */
final class HttpExchange {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final OutputStream out;
    private final HttpRequest request;
    private final StringBuilder head = new StringBuilder(512);
    private boolean keepAlive;

    HttpExchange(Socket socket, OutputStream out, HttpRequest request) {
        this.socket = socket;
        this.out = out;
        this.request = request;
        this.keepAlive = request.keepAlive();
    }

    /** Whether the connection may carry another request after this one. */
    boolean reusable() {
        return keepAlive && !socket.isClosed();
    }

    /** Marks the connection to be closed after this response (adds {@code Connection: close}). */
    void closeAfterResponse() {
        keepAlive = false;
    }

    /** A complete response with Content-Length, flushed once. */
    void send(int status, List<Header> headers, String contentType, byte[] body) throws IOException {
        writeHead(status, headers, contentType, body.length);
        if (!request.isHead()) out.write(body);
        out.flush();
    }

    /** Announces the full Content-Length, sends only {@code bytes} of the body, then closes the socket (FIN). */
    void sendTruncatedAndClose(int status, List<Header> headers, String contentType, byte[] body, int bytes)
            throws IOException {
        keepAlive = false;
        writeHead(status, headers, contentType, body.length);
        out.write(body, 0, Math.min(bytes, body.length));
        out.flush();
        closeQuietly();
    }

    /** Content-Length response whose body is sent in {@code pieces} parts separated by {@code gap}. */
    void sendInPieces(int status, List<Header> headers, String contentType, byte[] body, int pieces, Duration gap)
            throws IOException, InterruptedException {
        writeHead(status, headers, contentType, body.length);
        out.flush(); // the status line arrives promptly; only the body is slow
        if (request.isHead()) return;
        int step = Math.max(1, (body.length + pieces - 1) / pieces);
        for (int off = 0; off < body.length; off += step) {
            if (off > 0) sleep(gap);
            out.write(body, off, Math.min(step, body.length - off));
            out.flush();
        }
    }

    /** Starts a chunked (Transfer-Encoding) response; the head is flushed immediately, like a real SSE server. */
    void beginChunked(int status, List<Header> headers, String contentType) throws IOException {
        writeHead(status, headers, contentType, -1);
        out.flush();
    }

    /** One HTTP chunk, flushed. */
    void chunk(byte[] data) throws IOException {
        if (data.length == 0) return; // a zero-length chunk would end the body
        out.write(Integer.toHexString(data.length).getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        out.write(data);
        out.write(CRLF);
        out.flush();
    }

    /** Terminates a chunked body cleanly. */
    void endChunked() throws IOException {
        out.write(LAST_CHUNK);
        out.flush();
    }

    /** Flushes what was written and closes the socket normally (FIN): the client sees a truncated body. */
    void abort() {
        keepAlive = false;
        try {
            out.flush();
        } catch (IOException ignored) {
            // the peer may already be gone; closing is all that matters
        }
        closeQuietly();
    }

    /** Resets the connection: SO_LINGER 0 makes close() send RST instead of FIN, discarding unsent data. */
    void reset() {
        keepAlive = false;
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // socket already unusable; close anyway
        }
        closeQuietly();
    }

    static void sleep(Duration d) throws InterruptedException {
        if (!d.isZero()) Thread.sleep(d);
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }

    /** @param contentLength -1 for chunked transfer encoding */
    private void writeHead(int status, List<Header> headers, String contentType, int contentLength) throws IOException {
        StringBuilder h = head;
        h.setLength(0);
        h.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        if (contentType != null) h.append("Content-Type: ").append(contentType).append("\r\n");
        if (contentLength >= 0) h.append("Content-Length: ").append(contentLength).append("\r\n");
        else h.append("Transfer-Encoding: chunked\r\n");
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header header = headers.get(i);
            h.append(header.name()).append(": ").append(header.value()).append("\r\n");
        }
        if (!keepAlive) h.append("Connection: close\r\n");
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Payload Too Large";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status";
        };
    }
}
