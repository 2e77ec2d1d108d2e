package ai.aideon.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads HTTP/1.1 responses off one keep-alive connection with as little work as possible: the status line, the
 * three headers that frame the message (Content-Length, Transfer-Encoding, Connection), then the body, de-chunked
 * only as far as needed to find where it ends. For SSE bodies it also watches for {@code data: [DONE]} and for an
 * in-stream error event. No per-response allocation on the success path.
 *
 * <p>Not thread-safe: one reader per connection.
 */
final class HttpResponseReader {

    private static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR_EVENT = "data: {\"error\"".getBytes(StandardCharsets.US_ASCII);
    private static final int SNIPPET_MAX = 300;

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int lim;
    /** nanoTime right after the most recent successful read from the socket. */
    private long lastReadNanos;

    // Per-response results, reset by read().
    private int status;
    private boolean close;
    private long firstBodyByteNanos;
    private long bodyBytes;
    private final Matcher done = new Matcher(DONE);
    private final Matcher errorEvent = new Matcher(ERROR_EVENT);
    private boolean scanSse;
    private final byte[] snippet = new byte[SNIPPET_MAX];
    private int snippetLen;
    private boolean keepSnippet;

    HttpResponseReader(InputStream in) {
        this(in, 16 * 1024);
    }

    HttpResponseReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /**
     * Reads one complete response.
     *
     * @param sse scan the body for {@code data: [DONE]} and {@code data: {"error"...}} events
     * @return the status code
     * @throws EOFException when the peer closed before the response was complete
     */
    int read(boolean sse) throws IOException {
        status = 0;
        close = false;
        firstBodyByteNanos = 0;
        bodyBytes = 0;
        done.reset();
        errorEvent.reset();
        scanSse = sse;
        snippetLen = 0;

        long contentLength = -1;
        boolean chunked = false;

        status = parseStatusLine(readLine());
        keepSnippet = status != 200;
        int informational = status;
        while (informational >= 100 && informational < 200) { // 100-continue and friends: skip their header block
            while (readLine() != 0) { /* skip */ }
            status = parseStatusLine(readLine());
            informational = status;
        }
        keepSnippet = status != 200;
        int len;
        while ((len = readLine()) != 0) {
            int start = lineStart;
            int colon = indexOf(buf, start, start + len, (byte) ':');
            if (colon < 0) continue;
            int nameLen = colon - start;
            int vStart = skipSpaces(colon + 1, start + len);
            int vEnd = trimEnd(vStart, start + len);
            if (equalsIgnoreCase(buf, start, nameLen, "content-length")) {
                contentLength = parseDecimal(vStart, vEnd);
            } else if (equalsIgnoreCase(buf, start, nameLen, "transfer-encoding")) {
                chunked = containsIgnoreCase(buf, vStart, vEnd, "chunked");
            } else if (equalsIgnoreCase(buf, start, nameLen, "connection")) {
                close = containsIgnoreCase(buf, vStart, vEnd, "close");
            }
        }
        // Header terminator completed in the latest read, so any body bytes already buffered arrived with it.
        if (pos < lim) firstBodyByteNanos = lastReadNanos;

        if (status == 204 || status == 304) {
            // no body
        } else if (chunked) {
            readChunked();
        } else if (contentLength >= 0) {
            consume(contentLength);
        } else {
            consumeUntilEof();
            close = true;
        }
        return status;
    }

    int status() {
        return status;
    }

    /** The server asked to close the connection (or the body was delimited by close). */
    boolean connectionClose() {
        return close;
    }

    /** nanoTime of the socket read that delivered the first body byte, 0 if there was no body. */
    long firstBodyByteNanos() {
        return firstBodyByteNanos;
    }

    long bodyBytes() {
        return bodyBytes;
    }

    boolean sawDone() {
        return done.matched;
    }

    boolean sawErrorEvent() {
        return errorEvent.matched;
    }

    /** The first bytes of a non-200 body, for error messages. */
    String snippet() {
        return new String(snippet, 0, snippetLen, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
    }

    // ---------------------------------------------------------------- framing

    private void readChunked() throws IOException {
        for (;;) {
            int len = readLine();
            int start = lineStart;
            int end = start + len;
            int semi = indexOf(buf, start, end, (byte) ';');
            if (semi >= 0) end = semi;
            long size = parseHex(start, trimEnd(start, end));
            if (size == 0) {
                while (readLine() != 0) { /* trailers */ }
                return;
            }
            consume(size);
            if (readLine() != 0) throw new IOException("malformed chunked encoding: missing CRLF after chunk data");
        }
    }

    private void consume(long n) throws IOException {
        while (n > 0) {
            if (pos == lim && fill() < 0) throw new EOFException("connection closed mid-body");
            int take = (int) Math.min(n, lim - pos);
            body(pos, take);
            pos += take;
            n -= take;
        }
    }

    private void consumeUntilEof() throws IOException {
        for (;;) {
            if (pos == lim && fill() < 0) return;
            int take = lim - pos;
            body(pos, take);
            pos += take;
        }
    }

    private void body(int off, int len) {
        if (len <= 0) return;
        if (firstBodyByteNanos == 0) firstBodyByteNanos = lastReadNanos;
        bodyBytes += len;
        if (scanSse) {
            for (int i = off, end = off + len; i < end; i++) {
                byte b = buf[i];
                done.feed(b);
                errorEvent.feed(b);
            }
        }
        if (keepSnippet && snippetLen < SNIPPET_MAX) {
            int k = Math.min(len, SNIPPET_MAX - snippetLen);
            System.arraycopy(buf, off, snippet, snippetLen, k);
            snippetLen += k;
        }
    }

    // ---------------------------------------------------------------- lines

    private int lineStart;

    /**
     * Reads one CRLF (or LF) terminated line; afterwards {@code buf[lineStart, lineStart+len)} holds it without the
     * terminator. Returns its length.
     */
    private int readLine() throws IOException {
        int scanFrom = pos;
        for (;;) {
            for (int i = scanFrom; i < lim; i++) {
                if (buf[i] == '\n') {
                    lineStart = pos;
                    int end = i;
                    if (end > pos && buf[end - 1] == '\r') end--;
                    pos = i + 1;
                    return end - lineStart;
                }
            }
            int consumed = lim - pos;
            if (fill() < 0) throw new EOFException(pos == lim && consumed == 0
                    ? "connection closed by peer" : "connection closed mid-headers");
            scanFrom = pos + consumed;
        }
    }

    /** Reads more bytes, compacting the buffer first; keeps unread bytes at [pos, lim). */
    private int fill() throws IOException {
        if (pos == lim) {
            pos = 0;
            lim = 0;
        } else if (lim == buf.length) {
            if (pos == 0) throw new IOException("header line longer than " + buf.length + " bytes");
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n > 0) {
            lastReadNanos = System.nanoTime();
            lim += n;
        }
        return n;
    }

    // ---------------------------------------------------------------- byte helpers

    private int parseStatusLine(int len) throws IOException {
        int start = lineStart;
        // "HTTP/1.1 200 OK"
        if (len < 12 || buf[start] != 'H' || buf[start + 4] != '/') {
            throw new IOException("not an HTTP status line: " + new String(buf, start, Math.min(len, 80),
                    StandardCharsets.ISO_8859_1));
        }
        int sp = indexOf(buf, start, start + len, (byte) ' ');
        if (sp < 0 || sp + 4 > start + len) throw new IOException("bad status line");
        int code = 0;
        for (int i = sp + 1; i < sp + 4; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) throw new IOException("bad status code");
            code = code * 10 + d;
        }
        // HTTP/1.0 responses close unless they say keep-alive; we only speak 1.1, so just remember it.
        if (buf[start + 5] == '1' && buf[start + 7] == '0') close = true;
        return code;
    }

    private long parseDecimal(int from, int to) throws IOException {
        if (from >= to) throw new IOException("empty Content-Length");
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) throw new IOException("bad Content-Length");
            v = v * 10 + d;
        }
        return v;
    }

    private long parseHex(int from, int to) throws IOException {
        if (from >= to) throw new IOException("empty chunk size");
        long v = 0;
        for (int i = from; i < to; i++) {
            int c = buf[i];
            int d;
            if (c >= '0' && c <= '9') d = c - '0';
            else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
            else throw new IOException("bad chunk size");
            v = (v << 4) | d;
        }
        return v;
    }

    private int skipSpaces(int i, int end) {
        while (i < end && (buf[i] == ' ' || buf[i] == '\t')) i++;
        return i;
    }

    private int trimEnd(int start, int end) {
        while (end > start && (buf[end - 1] == ' ' || buf[end - 1] == '\t')) end--;
        return end;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) if (b[i] == c) return i;
        return -1;
    }

    private static boolean equalsIgnoreCase(byte[] b, int off, int len, String lower) {
        if (len != lower.length()) return false;
        for (int i = 0; i < len; i++) {
            int c = b[off + i];
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != lower.charAt(i)) return false;
        }
        return true;
    }

    private static boolean containsIgnoreCase(byte[] b, int from, int to, String lower) {
        int n = lower.length();
        outer:
        for (int i = from; i + n <= to; i++) {
            for (int j = 0; j < n; j++) {
                int c = b[i + j];
                if (c >= 'A' && c <= 'Z') c += 32;
                if (c != lower.charAt(j)) continue outer;
            }
            return true;
        }
        return false;
    }

    /** Streaming KMP matcher: finds a pattern in a byte stream fed one byte at a time, across buffer boundaries. */
    static final class Matcher {
        private final byte[] pattern;
        private final int[] failure;
        private int state;
        boolean matched;

        Matcher(byte[] pattern) {
            this.pattern = pattern;
            this.failure = new int[pattern.length];
            for (int i = 1, k = 0; i < pattern.length; i++) {
                while (k > 0 && pattern[i] != pattern[k]) k = failure[k - 1];
                if (pattern[i] == pattern[k]) k++;
                failure[i] = k;
            }
        }

        void reset() {
            state = 0;
            matched = false;
        }

        void feed(byte b) {
            if (matched) return;
            int k = state;
            while (k > 0 && b != pattern[k]) k = failure[k - 1];
            if (b == pattern[k]) k++;
            if (k == pattern.length) {
                matched = true;
                k = 0;
            }
            state = k;
        }
    }
}
