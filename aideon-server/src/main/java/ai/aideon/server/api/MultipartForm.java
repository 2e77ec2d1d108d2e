package ai.aideon.server.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body (RFC 7578) read into fields and one file, for the audio upload endpoints.
 * The body is already size-limited by the server, so parsing works on the whole byte array. Helidon 4.5 no longer
 * ships a multipart media module, and the audio endpoints need nothing beyond named fields and files.
 */
public final class MultipartForm {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))",
            Pattern.CASE_INSENSITIVE);
    // Values may be quoted or bare tokens (both occur in the wild).
    private static final Pattern NAME = Pattern.compile("(?:^|;)\\s*name=(?:\"([^\"]*)\"|([^;\\s]+))",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FILENAME = Pattern.compile("(?:^|;)\\s*filename=(?:\"([^\"]*)\"|([^;\\s]+))",
            Pattern.CASE_INSENSITIVE);

    /** An uploaded file: its form field name, the client's file name, and the bytes. */
    public record FilePart(String field, String filename, String contentType, byte[] bytes) {
    }

    private final Map<String, String> fields = new LinkedHashMap<>();
    private final Map<String, FilePart> files = new LinkedHashMap<>();

    private MultipartForm() {
    }

    public static MultipartForm parse(String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw ApiException.invalid(null, "Send the upload as multipart/form-data (Content-Type: multipart/form-data; "
                    + "boundary=…).");
        }
        Matcher b = BOUNDARY.matcher(contentType);
        if (!b.find()) {
            throw ApiException.invalid(null, "The multipart Content-Type has no boundary.");
        }
        byte[] delimiter = ("--" + (b.group(1) != null ? b.group(1) : b.group(2))).getBytes(StandardCharsets.ISO_8859_1);
        MultipartForm form = new MultipartForm();
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw ApiException.invalid(null, "The multipart body does not contain its boundary.");
        }
        while (true) {
            int afterDelimiter = pos + delimiter.length;
            if (afterDelimiter + 1 < body.length && body[afterDelimiter] == '-' && body[afterDelimiter + 1] == '-') {
                return form; // closing delimiter
            }
            int headersStart = afterDelimiter + 2; // CRLF after the delimiter
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                throw ApiException.invalid(null, "A multipart part has no header end.");
            }
            int next = indexOf(body, delimiter, headersEnd + 4);
            if (next < 0) {
                throw ApiException.invalid(null, "The multipart body ends without its closing boundary.");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            int contentEnd = next - 2; // the CRLF that precedes the next delimiter
            byte[] content = java.util.Arrays.copyOfRange(body, headersEnd + 4, Math.max(headersEnd + 4, contentEnd));
            form.add(headers, content);
            pos = next;
        }
    }

    private void add(String headers, byte[] content) {
        String disposition = null;
        String type = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (name.equals("content-disposition")) {
                disposition = line.substring(colon + 1);
            } else if (name.equals("content-type")) {
                type = line.substring(colon + 1).trim();
            }
        }
        if (disposition == null) {
            return;
        }
        Matcher n = NAME.matcher(disposition);
        if (!n.find()) {
            return;
        }
        String name = n.group(1) != null ? n.group(1) : n.group(2);
        Matcher f = FILENAME.matcher(disposition);
        // A part with a file name, or a binary content type, is a file; other parts are text fields.
        boolean binary = type != null && !type.toLowerCase(Locale.ROOT).startsWith("text/");
        if (f.find() || binary) {
            String filename = f.find(0) ? (f.group(1) != null ? f.group(1) : f.group(2)) : name;
            files.put(name, new FilePart(name, filename, type, content));
        } else {
            fields.put(name, new String(content, StandardCharsets.UTF_8));
        }
    }

    public String field(String name) {
        return fields.get(name);
    }

    public FilePart file(String name) {
        return files.get(name);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
