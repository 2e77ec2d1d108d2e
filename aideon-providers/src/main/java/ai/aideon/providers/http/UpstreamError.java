package ai.aideon.providers.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An upstream error body, whichever of the known shapes it came in: OpenAI's nested envelope
 * {@code {"error":{"message","type","param","code"}}} (also Together, llama.cpp, newer vLLM), vLLM's flat
 * {@code {"object":"error","message",…}}, Ollama's {@code {"error":"…"}}, or a non-JSON text body (Together 503s).
 *
 * @param numericCode a status-like number some servers put in {@code code} (llama.cpp, vLLM); 0 when absent
 */
public record UpstreamError(String message, String type, String code, String param, int numericCode) {

    static final UpstreamError EMPTY = new UpstreamError(null, null, null, null, 0);
    private static final int MAX_TEXT = 300;

    public static UpstreamError parse(byte[] body) {
        if (body == null || body.length == 0) {
            return EMPTY;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            if (root != null && root.isObject()) {
                return fromDocument(root);
            }
        } catch (IOException notJson) {
            // Fall through: gateways and load balancers answer 502/503 with HTML or plain text.
        }
        return new UpstreamError(plainText(new String(body, StandardCharsets.UTF_8)), null, null, null, 0);
    }

    /** Reads a JSON error document; fields that are missing stay null. */
    public static UpstreamError fromDocument(JsonNode root) {
        JsonNode error = root.get("error");
        if (error != null && error.isObject()) {
            return fromFields(error);
        }
        if (error != null && error.isTextual()) {
            return new UpstreamError(error.asText(), null, null, null, 0);
        }
        if (root.has("message") || "error".equals(Json.text(root, "object"))) {
            return fromFields(root);
        }
        return new UpstreamError(plainText(root.toString()), null, null, null, 0);
    }

    /** True when the document is an error object rather than a normal chunk (used for in-band stream errors). */
    public static boolean isErrorDocument(JsonNode root) {
        JsonNode error = root.get("error");
        return (error != null && !error.isNull()) || "error".equals(Json.text(root, "object"));
    }

    private static UpstreamError fromFields(JsonNode n) {
        JsonNode code = n.get("code");
        int numeric = code != null && code.isInt() ? code.asInt() : 0;
        String codeText = code == null || code.isNull() || code.isNumber() ? null : code.asText();
        return new UpstreamError(Json.text(n, "message"), Json.text(n, "type"), codeText, Json.text(n, "param"),
                numeric);
    }

    private static String plainText(String text) {
        String s = text.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
        return s.isEmpty() ? null : s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "…" : s;
    }

    /** Code, else type: the most specific machine-readable label. */
    public String label() {
        return code != null ? code : type;
    }
}
