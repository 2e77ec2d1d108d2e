package ai.aideon.providers.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A multipart/form-data body (RFC 7578) built in memory: uploads here are single audio files of at most tens of
 * megabytes, already held in memory by the request. The boundary is random so no file content can end a part early
 * (the chance of 32 random hex characters appearing in it is negligible).
 */
public final class MultipartForm {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boundary;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    public MultipartForm() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        this.boundary = "aideon-" + HexFormat.of().formatHex(random);
    }

    /** Adds a text field; a null value is left out, so optional parameters need no checks at the call site. */
    public MultipartForm field(String name, Object value) {
        if (value != null) {
            part("Content-Disposition: form-data; name=\"" + quoted(name) + "\"\r\n",
                    value.toString().getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    public MultipartForm file(String name, String filename, String contentType, byte[] content) {
        part("Content-Disposition: form-data; name=\"" + quoted(name) + "\"; filename=\"" + quoted(filename)
                + "\"\r\nContent-Type: " + contentType + "\r\n", content);
        return this;
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The finished body, closing delimiter included. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + boundary.length() + 8);
        out.writeBytes(body.toByteArray());
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private void part(String headers, byte[] content) {
        body.writeBytes(("--" + boundary + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** Quotes and line breaks would end the header value; file names come from clients. */
    private static String quoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "");
    }
}
