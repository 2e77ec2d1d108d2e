package ai.aideon.bench;

import java.nio.charset.StandardCharsets;

/** Builds the pre-encoded HTTP/1.1 request every benchmark worker writes, byte for byte, on each iteration. */
final class ChatRequest {

    static final String MODEL = "bench-model";
    static final String PROMPT = "Say hello to the benchmark";
    static final int MAX_TOKENS = 16;

    private ChatRequest() {
    }

    static String body(boolean stream) {
        String base = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT
                + "\"}],\"max_tokens\":" + MAX_TOKENS;
        return stream ? base + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}" : base + "}";
    }

    /** The complete request: request line, headers and body, ready to be written in one call. */
    static byte[] encode(String host, int port, String apiKey, boolean stream) {
        byte[] body = body(stream).getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/chat/completions HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Authorization: Bearer " + apiKey + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Accept: " + (stream ? "text/event-stream" : "application/json") + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }
}
