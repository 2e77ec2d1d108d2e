package ai.aideon.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Test helper: a plain JDK client against the fakes, loopback only. */
final class Http {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Http() {}

    static HttpResponse<String> post(FakeUpstream up, String path, String json) throws Exception {
        return post(up, path, json, "test-key");
    }

    static HttpResponse<String> post(FakeUpstream up, String path, String json, String key) throws Exception {
        return CLIENT.send(postRequest(up, path, json, key).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder postRequest(FakeUpstream up, String path, String json, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(up.baseUrl() + path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return b;
    }

    static HttpResponse<String> get(FakeUpstream up, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(up.baseUrl() + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer test-key").GET().build();
        return CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Payloads of the SSE {@code data:} lines, in order. */
    static List<String> sseData(String body) {
        List<String> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.startsWith("data: ")) out.add(event.substring(6));
        }
        return out;
    }

    /** Non-empty NDJSON lines. */
    static List<JsonNode> ndjson(String body) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) if (!line.isBlank()) out.add(json(line));
        return out;
    }

    /** What a streaming client managed to read before the body ended or broke. */
    record Partial(String text, IOException failure) {}

    static Partial readUntilFailure(InputStream in) {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            return new Partial(sb.toString(), null);
        } catch (IOException e) {
            return new Partial(sb.toString(), e);
        }
    }

    static String chatBody(String model, String userText, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + userText + "\"}]"
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }
}
