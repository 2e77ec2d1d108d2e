package ai.aideon.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads successive HTTP/1.x requests from one connection.
 *
 * <p>It keeps its own buffer instead of wrapping a {@code BufferedInputStream} so that header lines are scanned
 * without per-byte locking; this server is also the "direct upstream" baseline in the latency benchmark.
 * Supports Content-Length and chunked request bodies and answers {@code Expect: 100-continue}.
 */
final class RequestReader {

    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;
    private static final int MAX_BODY = 64 * 1024 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int limit;

    RequestReader(InputStream in) {
        this.in = in;
    }

    /**
     * Next request, or null when the peer closed the connection cleanly between requests.
     *
     * @param out used only to send {@code 100 Continue} before reading a body the client is holding back
     */
    HttpRequest next(OutputStream out) throws IOException {
        String requestLine = readLine(true);
        // Tolerate stray CRLFs between requests (RFC 9112 section 2.2).
        while (requestLine != null && requestLine.isEmpty()) requestLine = readLine(true);
        if (requestLine == null) return null;

        int sp1 = requestLine.indexOf(' ');
        int sp2 = requestLine.lastIndexOf(' ');
        if (sp1 <= 0 || sp2 <= sp1) throw new MalformedRequestException("bad request line");
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        String version = requestLine.substring(sp2 + 1);
        if (!version.startsWith("HTTP/1.")) throw new MalformedRequestException("unsupported version " + version);

        Map<String, String> headers = new HashMap<>(16);
        for (int count = 0; ; count++) {
            String line = readLine(false);
            if (line.isEmpty()) break;
            if (count >= MAX_HEADERS) throw new MalformedRequestException("too many headers");
            int colon = line.indexOf(':');
            if (colon <= 0) throw new MalformedRequestException("bad header line");
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }

        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        boolean keepAlive = version.equals("HTTP/1.1")
                ? !connection.contains("close")
                : connection.contains("keep-alive");

        if ("100-continue".equalsIgnoreCase(headers.get("expect")) && version.equals("HTTP/1.1")) {
            out.write(CONTINUE);
            out.flush();
        }

        byte[] body;
        String transferEncoding = headers.get("transfer-encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunkedBody();
        } else {
            String contentLength = headers.get("content-length");
            body = contentLength == null ? new byte[0] : readBytes(parseLength(contentLength));
        }

        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        return new HttpRequest(method, target, path, version, headers, body, keepAlive);
    }

    private static int parseLength(String value) throws MalformedRequestException {
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0 || n > MAX_BODY) throw new MalformedRequestException("body length out of range");
            return (int) n;
        } catch (NumberFormatException e) {
            throw new MalformedRequestException("bad content-length");
        }
    }

    private byte[] readChunkedBody() throws IOException {
        byte[] body = new byte[0];
        int size = 0;
        while (true) {
            String sizeLine = readLine(false);
            int semi = sizeLine.indexOf(';'); // chunk extensions are allowed and ignored
            String hex = (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim();
            int chunk;
            try {
                chunk = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new MalformedRequestException("bad chunk size");
            }
            if (chunk < 0 || size + (long) chunk > MAX_BODY) throw new MalformedRequestException("body too large");
            if (chunk == 0) break;
            if (body.length < size + chunk) body = java.util.Arrays.copyOf(body, Math.max(size + chunk, body.length * 2));
            readFully(body, size, chunk);
            size += chunk;
            if (!readLine(false).isEmpty()) throw new MalformedRequestException("missing CRLF after chunk");
        }
        while (!readLine(false).isEmpty()) {
            // trailers: read and ignore
        }
        return size == body.length ? body : java.util.Arrays.copyOf(body, size);
    }

    private byte[] readBytes(int n) throws IOException {
        byte[] out = new byte[n];
        readFully(out, 0, n);
        return out;
    }

    private void readFully(byte[] dst, int off, int n) throws IOException {
        int buffered = Math.min(n, limit - pos);
        System.arraycopy(buf, pos, dst, off, buffered);
        pos += buffered;
        int done = buffered;
        while (done < n) {
            int r = in.read(dst, off + done, n - done);
            if (r < 0) throw new MalformedRequestException("connection closed inside the body");
            done += r;
        }
    }

    /**
     * One line without its CRLF (a bare LF is accepted too). Returns null only when {@code eofAllowed} and the
     * stream ended before any byte of the line.
     */
    private String readLine(boolean eofAllowed) throws IOException {
        StringBuilder spill = null; // only used for lines that straddle buffer refills
        while (true) {
            if (pos == limit && !fill()) {
                if (eofAllowed && spill == null) return null;
                throw new MalformedRequestException("connection closed inside the header");
            }
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    String part = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    if (spill == null) return part;
                    spill.append(part);
                    int len = spill.length();
                    if (len > 0 && spill.charAt(len - 1) == '\r') spill.setLength(len - 1);
                    return spill.toString();
                }
            }
            if (spill == null) spill = new StringBuilder();
            spill.append(new String(buf, pos, limit - pos, StandardCharsets.ISO_8859_1));
            pos = limit;
            if (spill.length() > MAX_LINE) throw new MalformedRequestException("line too long");
        }
    }

    private boolean fill() throws IOException {
        int r = in.read(buf, 0, buf.length);
        if (r <= 0) return false;
        pos = 0;
        limit = r;
        return true;
    }
}
