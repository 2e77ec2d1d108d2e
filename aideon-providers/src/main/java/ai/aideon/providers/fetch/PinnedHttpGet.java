package ai.aideon.providers.fetch;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP/1.1 GET over a socket the caller has already connected to a checked address: request line, Host, and
 * {@code Connection: close}; then status, headers, and a body framed by Content-Length, chunked encoding or the
 * end of the connection. Hand-written because the fetcher must choose the address itself (an HTTP client would
 * resolve the name again, and a second answer — DNS rebinding — could point somewhere private). It is deliberately
 * small: no keep-alive, no compression, no pipelining, no upgrades.
 */
final class PinnedHttpGet {
    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_HEADERS = 100;
    private static final int MAX_INTERIM_RESPONSES = 5;
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([1-9][0-9]{2})(?: .*)?");
    private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9a-fA-F]{1,15}");

    /** Status line and headers; header names lower-cased. */
    record Head(int status, Map<String, List<String>> headers) {
        List<String> all(String name) {
            return headers.getOrDefault(name, List.of());
        }

        String first(String name) {
            List<String> values = all(name);
            return values.isEmpty() ? null : values.get(0);
        }
    }

    /** The server broke HTTP framing: a bad status line, header or chunk, or the body ended early. */
    static final class MalformedResponseException extends IOException {
        MalformedResponseException(String message) {
            super(message);
        }
    }

    /** The body is, or says it will be, over the limit; thrown before the excess is read. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final InputStream in;

    PinnedHttpGet(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    void send(ImageUrl url, String accept) throws IOException {
        String request = "GET " + url.requestTarget() + " HTTP/1.1\r\n"
                + "Host: " + url.hostHeader() + "\r\n"
                + "User-Agent: aideon-router image fetcher\r\n"
                + "Accept: " + accept + "\r\n"
                // Compressed bodies would hide the image signature and could inflate far past the size limit.
                + "Accept-Encoding: identity\r\n"
                + "Connection: close\r\n"
                + "\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The final response's head; 1xx interim responses (e.g. 103 Early Hints) are skipped. */
    Head readHead() throws IOException {
        for (int interim = 0; ; interim++) {
            String statusLine = readLine();
            if (statusLine == null) {
                throw new MalformedResponseException("connection closed before a response");
            }
            Matcher status = STATUS_LINE.matcher(statusLine);
            if (!status.matches()) {
                throw new MalformedResponseException("not an HTTP/1.x status line");
            }
            Head head = new Head(Integer.parseInt(status.group(1)), readHeaders());
            if (head.status() >= 200) {
                return head;
            }
            if (head.status() == 101 || interim >= MAX_INTERIM_RESPONSES) {
                throw new MalformedResponseException("unexpected interim response " + head.status());
            }
        }
    }

    /** The body as the head frames it, refused as soon as it is known to exceed {@code maxBytes}. */
    byte[] readBody(Head head, long maxBytes) throws IOException {
        List<String> transferEncodings = head.all("transfer-encoding");
        if (!transferEncodings.isEmpty()) {
            // Transfer-Encoding overrides Content-Length (RFC 9112 §6.3). Only plain chunked is asked for by HTTP/1.1.
            String codings = String.join(",", transferEncodings).trim().toLowerCase(Locale.ROOT);
            if (!codings.equals("chunked")) {
                throw new MalformedResponseException("unsupported Transfer-Encoding '" + codings + "'");
            }
            return readChunked(maxBytes);
        }
        OptionalLong length = contentLength(head);
        if (length.isPresent()) {
            if (length.getAsLong() > maxBytes) {
                throw tooLarge(maxBytes, "Content-Length is " + length.getAsLong());
            }
            int expected = (int) length.getAsLong();
            byte[] body = in.readNBytes(expected);
            if (body.length < expected) {
                throw new MalformedResponseException("body ended after " + body.length + " of " + expected + " bytes");
            }
            return body;
        }
        return readUntilClosed(maxBytes);
    }

    /** The declared length, if any; conflicting or malformed values are an error (a classic smuggling vector). */
    static OptionalLong contentLength(Head head) throws MalformedResponseException {
        Long length = null;
        for (String header : head.all("content-length")) {
            for (String value : header.split(",")) {
                String digits = value.trim();
                if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new MalformedResponseException("malformed Content-Length");
                }
                long parsed = Long.parseLong(digits);
                if (length != null && length != parsed) {
                    throw new MalformedResponseException("conflicting Content-Length values");
                }
                length = parsed;
            }
        }
        return length == null ? OptionalLong.empty() : OptionalLong.of(length);
    }

    private Map<String, List<String>> readHeaders() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int bytes = 0;
        for (int count = 0; ; count++) {
            String line = readLine();
            if (line == null) {
                throw new MalformedResponseException("connection closed inside the response headers");
            }
            if (line.isEmpty()) {
                return headers;
            }
            bytes += line.length();
            if (count >= MAX_HEADERS || bytes > MAX_HEADER_BYTES) {
                throw new MalformedResponseException("response headers too large");
            }
            int colon = line.indexOf(':');
            // A leading space would be an obsolete folded continuation line, which RFC 9112 lets us reject.
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t'
                    || line.substring(0, colon).chars().anyMatch(c -> c <= ' ')) {
                throw new MalformedResponseException("malformed header line");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, n -> new ArrayList<>(1)).add(line.substring(colon + 1).trim());
        }
    }

    private byte[] readChunked(long maxBytes) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new MalformedResponseException("chunked body ended without its last chunk");
            }
            int extension = sizeLine.indexOf(';');
            String hex = (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim();
            if (!CHUNK_SIZE.matcher(hex).matches()) {
                throw new MalformedResponseException("malformed chunk size");
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                break;
            }
            if (body.size() + size > maxBytes) {
                throw tooLarge(maxBytes, "the chunked body grew past it");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new MalformedResponseException("chunk ended early");
            }
            body.write(chunk);
            String end = readLine();
            if (end == null || !end.isEmpty()) {
                throw new MalformedResponseException("chunk not followed by CRLF");
            }
        }
        // Trailer fields, up to the blank line; nothing in them matters to us.
        for (int trailers = 0; ; trailers++) {
            String line = readLine();
            if (line == null || line.isEmpty()) {
                return body.toByteArray();
            }
            if (trailers >= MAX_HEADERS) {
                throw new MalformedResponseException("too many trailer fields");
            }
        }
    }

    private byte[] readUntilClosed(long maxBytes) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (body.size() + (long) n > maxBytes) {
                throw tooLarge(maxBytes, "the body grew past it");
            }
            body.write(buffer, 0, n);
        }
        return body.toByteArray();
    }

    /** One line without its CR LF (a bare LF is accepted), or null at end of stream before any byte. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new MalformedResponseException("response line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b); // ISO-8859-1, as HTTP/1.1 headers are
        }
        if (line.isEmpty()) {
            return null;
        }
        throw new MalformedResponseException("connection closed mid-line");
    }

    private static BodyTooLargeException tooLarge(long maxBytes, String detail) {
        return new BodyTooLargeException("larger than the " + maxBytes + "-byte limit (" + detail + ")");
    }
}
