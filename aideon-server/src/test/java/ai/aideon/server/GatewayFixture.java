package ai.aideon.server;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.config.AideonConfig;
import ai.aideon.server.http.GatewayServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real gateway on an ephemeral 127.0.0.1 port plus a plain HTTP client for tests. */
final class GatewayFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final AideonEngine engine;
    final GatewayServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    GatewayFixture(AideonConfig config) {
        this.engine = AideonEngine.start(config);
        this.server = GatewayServer.start(engine, "127.0.0.1", 0);
    }

    /** A gateway whose engine and server read time from {@code clock} (TTLs, ages, quotas without sleeping). */
    GatewayFixture(AideonConfig config, java.time.Clock clock) {
        this.engine = AideonEngine.start(config, clock, ai.aideon.core.route.Sleeper.system());
        this.server = GatewayServer.start(engine, "127.0.0.1", 0, clock);
    }

    /** With the background work (local engine probes, discovery) in the test's hands, e.g. {@code Scheduler.manual()}. */
    GatewayFixture(AideonConfig config, ai.aideon.client.Scheduler scheduler) {
        this.engine = AideonEngine.start(config, java.time.Clock.systemUTC(), ai.aideon.core.route.Sleeper.system(),
                scheduler);
        this.server = GatewayServer.start(engine, "127.0.0.1", 0);
    }

    /** Time and background work both in the test's hands. */
    GatewayFixture(AideonConfig config, java.time.Clock clock, ai.aideon.client.Scheduler scheduler) {
        this.engine = AideonEngine.start(config, clock, ai.aideon.core.route.Sleeper.system(), scheduler);
        this.server = GatewayServer.start(engine, "127.0.0.1", 0, clock);
    }

    /** The demo configuration (real catalog, simulated upstreams) with zero simulated latency. */
    static GatewayFixture demo() throws Exception {
        var config = ai.aideon.client.DemoMode.apply(
                ai.aideon.client.config.ConfigLoader.withSystemEnv().loadDefault(), Duration.ZERO, Duration.ZERO);
        return new GatewayFixture(config.withStore(tempStore(config)));
    }

    /** A fresh SQLite ledger in a temp dir, so tests never share or leave behind state. */
    static ai.aideon.client.config.StoreConfig tempStore(ai.aideon.client.config.AideonConfig config)
            throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("aideon-test");
        dir.toFile().deleteOnExit();
        return new ai.aideon.client.config.StoreConfig("sqlite:" + dir.resolve("aideon.db"),
                config.store().instanceId(), config.store().upgradeUrl(), ai.aideon.client.DemoMode.ADMIN_KEY);
    }

    String base() {
        return server.baseUrl();
    }

    HttpResponse<String> post(String path, String key, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = jsonPost(path, key, body);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A JSON POST whose answer is bytes (speech). */
    HttpResponse<byte[]> postForBytes(String path, String key, String body) throws IOException, InterruptedException {
        return http.send(jsonPost(path, key, body).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest.Builder jsonPost(String path, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    /**
     * A multipart/form-data upload as the OpenAI SDKs send transcriptions: the text {@code fields} (in the map's
     * iteration order), then the audio as the part named {@code file} (clip.wav, audio/wav).
     */
    HttpResponse<String> upload(String path, String key, byte[] audio, Map<String, String> fields)
            throws IOException, InterruptedException {
        String boundary = "aideon-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey()
                    + "\"\r\n\r\n" + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.wav\""
                + "\r\nContent-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(audio);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpRequest req = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** The data payloads of an SSE body, in order ("[DONE]" included as text). */
    static List<String> events(String sseBody) {
        List<String> out = new ArrayList<>();
        for (String block : sseBody.split("\n\n")) {
            for (String line : block.split("\n")) {
                if (line.startsWith("data: ")) {
                    out.add(line.substring(6));
                }
            }
        }
        return out;
    }

    static String chatBody(String model, String content) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":" + quote(content) + "}]}";
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        engine.close();
    }
}
