package ai.aideon.server;

import ai.aideon.testkit.ManualClock;
import ai.aideon.client.config.ConfigLoader;
import ai.aideon.testkit.FakeUpstream;
import ai.aideon.testkit.Fault;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static ai.aideon.server.GatewayFixture.events;
import static ai.aideon.server.GatewayFixture.json;
import static ai.aideon.server.GatewayFixture.quote;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact cache through the real server, against a faithful fake OpenAI-compatible upstream that counts its calls:
 * a hit never reaches the upstream, costs nothing, is recorded as such, and never crosses tenants.
 */
class CacheGatewayTest {
    static final String ACME = "sk-acme";
    static final String GLOBEX = "sk-globex";

    @TempDir
    Path dir;
    FakeUpstream upstream;
    GatewayFixture gw;
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T10:00:00Z"));

    void start(String cacheYaml) throws Exception {
        upstream = FakeUpstream.openAi().start();
        String yaml = """
                store: "sqlite:%s"
                executor: {retries: 0, base_backoff: 1ms, max_backoff: 5ms, call_timeout: 2s}
                providers:
                  cloud: {type: openai, source: cloud, base_url: "%s/v1", api_key: test-key, timeout: 2s}
                models:
                  - {id: cloud/llama-8b, provider: cloud, upstream_id: llama-8b, modality: text, context: 8192,
                     capabilities: [tools, json, streaming], price: {input: 0.18, output: 0.18}, tiers: [premium]}
                  - {id: cloud/embed, provider: cloud, upstream_id: text-embedding-3-small, modality: embed,
                     context: 8192, price: {input: 0.02}, tiers: [premium]}
                routes:
                  - {alias: aideon/text, modality: text, plans: {premium: [{model: cloud/llama-8b, role: primary}]}}
                  - {alias: aideon/embed, modality: embed, plans: {premium: [{model: cloud/embed, role: primary}]}}
                tiers:
                  premium: {budget: {usd: 100.00, period: month}}
                clients:
                  - {name: acme, key: %s, tier: premium, tenant: acme}
                  - {name: globex, key: %s, tier: premium, tenant: globex}
                %s
                """.formatted(dir.resolve("aideon.db"), upstream.baseUrl(), ACME, GLOBEX, cacheYaml);
        gw = new GatewayFixture(new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "cache-test.yaml"), clock);
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static String chat(String question, String params) {
        return "{\"model\":\"aideon/text\"," + params + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + quote(question) + "}]}";
    }

    HttpResponse<String> post(String key, String body, String... headers) throws Exception {
        return gw.post("/v1/chat/completions", key, body, headers);
    }

    static String header(HttpResponse<String> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void aRepeatedDeterministicRequestIsAnsweredFromTheCacheWithoutCallingTheUpstream() throws Exception {
        start("");
        HttpResponse<String> miss = post(ACME, chat("What is the capital of France?", "\"temperature\":0"),
                "x-request-id", "req-miss-1");
        assertThat(miss.statusCode()).as(miss.body()).isEqualTo(200);
        assertThat(header(miss, "x-aideon-cache")).isEqualTo("miss");
        assertThat(new BigDecimal(header(miss, "x-aideon-cost-usd"))).isPositive();
        assertThat(upstream.requestCount()).isEqualTo(1);

        HttpResponse<String> hit = post(ACME, chat("What is the capital of France?", "\"temperature\":0"),
                "x-request-id", "req-hit-1");
        assertThat(hit.statusCode()).as(hit.body()).isEqualTo(200);
        assertThat(upstream.requestCount()).as("the hit did not reach the upstream").isEqualTo(1);
        assertThat(header(hit, "x-aideon-cache")).isEqualTo("hit");
        assertThat(header(hit, "x-aideon-cache-kind")).isEqualTo("exact");
        assertThat(header(hit, "x-aideon-route")).isEqualTo("cache:exact");
        assertThat(header(hit, "x-aideon-source")).isEqualTo("cache");
        assertThat(header(hit, "x-aideon-model")).isEqualTo("cloud/llama-8b");
        assertThat(header(hit, "x-aideon-cost-usd")).isEqualTo("0.000000");
        assertThat(header(hit, "x-aideon-cache-age")).isEqualTo("0");

        JsonNode a = json(miss);
        JsonNode b = json(hit);
        assertThat(b.path("choices").get(0).path("message").path("content").asText())
                .isEqualTo(a.path("choices").get(0).path("message").path("content").asText()).isNotBlank();
        assertThat(b.path("id").asText()).isEqualTo("chatcmpl-" + header(hit, "x-request-id"));
        assertThat(b.path("usage").path("cost_usd").decimalValue()).isEqualByComparingTo("0");
        assertThat(b.path("usage").path("total_tokens").asLong()).as("the answer's own size, for the client")
                .isEqualTo(a.path("usage").path("total_tokens").asLong());
        assertThat(b.path("aideon").path("source").asText()).isEqualTo("cache");
        assertThat(b.path("aideon").path("cache").path("kind").asText()).isEqualTo("exact");
        assertThat(b.path("aideon").path("attempts")).isEmpty();

        Map<String, Object> missRow = ledgerRow("req-miss-1");
        assertThat(missRow).containsEntry("source", "cloud").containsEntry("provider", "cloud")
                .containsEntry("route", "aideon/text");
        assertThat((Long) missRow.get("cost_micros")).isPositive();
        Map<String, Object> hitRow = ledgerRow("req-hit-1");
        assertThat(hitRow).containsEntry("source", "cache").containsEntry("route", "cache:exact")
                .containsEntry("model", "cloud/llama-8b").containsEntry("cost_micros", 0L)
                .containsEntry("requests", 1L).containsEntry("tokens", 0L).containsEntry("attempts", 0L)
                .containsEntry("status", 200L);
        assertThat(hitRow.get("provider")).as("no provider was called").isNull();
    }

    @Test
    void samplingWithoutASeedIsNeverCachedButASeedIs() throws Exception {
        start("");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = post(ACME, chat("Tell me a story", "\"temperature\":0.7"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(header(r, "x-aideon-cache")).as("not cacheable: no header").isNull();
        }
        HttpResponse<String> noTemperature = post(ACME, chat("Tell me a story", "\"max_tokens\":50"));
        assertThat(header(noTemperature, "x-aideon-cache")).isNull();
        assertThat(upstream.requestCount()).isEqualTo(3);

        assertThat(header(post(ACME, chat("Tell me a story", "\"temperature\":0.7,\"seed\":42")), "x-aideon-cache"))
                .isEqualTo("miss");
        assertThat(header(post(ACME, chat("Tell me a story", "\"temperature\":0.7,\"seed\":42")), "x-aideon-cache"))
                .isEqualTo("hit");
        assertThat(header(post(ACME, chat("Tell me a story", "\"temperature\":0.7,\"seed\":43")), "x-aideon-cache"))
                .as("another seed is another request").isEqualTo("miss");
        assertThat(upstream.requestCount()).isEqualTo(5);
    }

    @Test
    void oneTenantNeverGetsAnotherTenantsAnswer() throws Exception {
        start("");
        String body = chat("Summarize our Q3 plan", "\"temperature\":0");
        assertThat(header(post(ACME, body), "x-aideon-cache")).isEqualTo("miss");
        assertThat(header(post(GLOBEX, body), "x-aideon-cache")).isEqualTo("miss");
        assertThat(upstream.requestCount()).isEqualTo(2);
        assertThat(header(post(ACME, body), "x-aideon-cache")).isEqualTo("hit");
        assertThat(header(post(GLOBEX, body), "x-aideon-cache")).isEqualTo("hit");
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void everyParameterIsPartOfTheKey() throws Exception {
        start("");
        assertThat(header(post(ACME, chat("Name a colour", "\"temperature\":0")), "x-aideon-cache")).isEqualTo("miss");
        for (String other : List.of("\"temperature\":0,\"max_tokens\":5", "\"temperature\":0,\"stop\":[\"x\"]",
                "\"temperature\":0,\"top_p\":0.5", "\"temperature\":0,\"n\":2",
                "\"temperature\":0,\"response_format\":{\"type\":\"json_object\"}")) {
            assertThat(header(post(ACME, chat("Name a colour", other)), "x-aideon-cache")).as(other).isEqualTo("miss");
        }
        assertThat(header(post(ACME, chat("Name a colour", "\"temperature\":0"), "x-aideon-role", "quality"),
                "x-aideon-cache")).as("another role may route elsewhere").isEqualTo("miss");
        assertThat(upstream.requestCount()).isEqualTo(7);
    }

    @Test
    void streamingCallersGetHitsAsAStreamAndStreamedMissesFillTheCache() throws Exception {
        start("");
        String plain = chat("Describe the sea", "\"temperature\":0");
        HttpResponse<String> miss = post(ACME, plain);
        String text = json(miss).path("choices").get(0).path("message").path("content").asText();

        String streaming = chat("Describe the sea", "\"temperature\":0,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}");
        HttpResponse<String> hit = post(ACME, streaming);
        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(header(hit, "content-type")).startsWith("text/event-stream");
        assertThat(header(hit, "x-aideon-cache")).isEqualTo("hit");
        List<String> events = events(hit.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder streamed = new StringBuilder();
        for (String e : events.subList(0, events.size() - 2)) {
            JsonNode chunk = GatewayFixture.JSON.readTree(e);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            streamed.append(chunk.path("choices").get(0).path("delta").path("content").asText(""));
        }
        assertThat(streamed.toString()).isEqualTo(text);
        JsonNode usage = GatewayFixture.JSON.readTree(events.get(events.size() - 2));
        assertThat(usage.path("usage").path("cost_usd").decimalValue()).isEqualByComparingTo("0");
        assertThat(usage.path("aideon").path("route").asText()).isEqualTo("cache:exact");
        assertThat(upstream.requestCount()).isEqualTo(1);

        // A question first asked streaming is then a hit for a plain request, with the same text.
        HttpResponse<String> streamedMiss = post(ACME, chat("Describe the land", "\"temperature\":0,\"stream\":true"));
        assertThat(header(streamedMiss, "x-aideon-cache")).isEqualTo("miss");
        StringBuilder land = new StringBuilder();
        for (String e : events(streamedMiss.body())) {
            if (!e.equals("[DONE]")) {
                land.append(GatewayFixture.JSON.readTree(e).path("choices").get(0).path("delta").path("content")
                        .asText(""));
            }
        }
        HttpResponse<String> plainHit = post(ACME, chat("Describe the land", "\"temperature\":0"));
        assertThat(header(plainHit, "x-aideon-cache")).isEqualTo("hit");
        assertThat(json(plainHit).path("choices").get(0).path("message").path("content").asText())
                .isEqualTo(land.toString());
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void theOfficialClientReadsAReplayedStream() throws Exception {
        start("");
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.base() + "/v1").apiKey(ACME).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("aideon/text")
                .addUserMessage("What is a tide?").temperature(0.0)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            StringBuilder text = new StringBuilder();
            List<ChatCompletionChunk> chunks = new ArrayList<>();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
                s.stream().forEach(c -> {
                    chunks.add(c);
                    c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
                });
            }
            assertThat(chunks.getLast().usage()).isPresent();
            assertThat(chunks.stream().anyMatch(c -> !c.choices().isEmpty()
                    && c.choices().get(0).finishReason().isPresent())).isTrue();
            texts.add(text.toString());
        }
        assertThat(texts.get(1)).isEqualTo(texts.get(0)).isNotBlank();
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void failuresAndBrokenStreamsAreNotCached() throws Exception {
        start("");
        upstream.faults().next(Fault.serverError());
        String body = chat("Explain tides", "\"temperature\":0");
        assertThat(post(ACME, body).statusCode()).isGreaterThanOrEqualTo(500);
        HttpResponse<String> afterError = post(ACME, body);
        assertThat(afterError.statusCode()).isEqualTo(200);
        assertThat(header(afterError, "x-aideon-cache")).isEqualTo("miss");

        upstream.faults().next(Fault.abortMidStream(3));
        String stream = chat("Explain waves", "\"temperature\":0,\"stream\":true");
        HttpResponse<String> broken = post(ACME, stream);
        assertThat(events(broken.body())).doesNotContain("[DONE]");
        HttpResponse<String> afterBroken = post(ACME, stream);
        assertThat(header(afterBroken, "x-aideon-cache")).as("the broken stream was not stored").isEqualTo("miss");
        assertThat(events(afterBroken.body())).contains("[DONE]");
        assertThat(header(post(ACME, stream), "x-aideon-cache")).isEqualTo("hit");
        assertThat(upstream.requestCount()).isEqualTo(4);
    }

    @Test
    void callersCanOptOutPerRequest() throws Exception {
        start("");
        String body = chat("What is 2+2?", "\"temperature\":0");
        assertThat(header(post(ACME, body, "x-aideon-cache", "no-store"), "x-aideon-cache")).isEqualTo("miss");
        assertThat(header(post(ACME, body, "x-aideon-cache", "bypass"), "x-aideon-cache")).isEqualTo("bypass");
        assertThat(header(post(ACME, body), "x-aideon-cache")).as("neither stored anything").isEqualTo("miss");
        assertThat(header(post(ACME, body, "Cache-Control", "no-cache"), "x-aideon-cache")).isEqualTo("bypass");
        assertThat(header(post(ACME, body, "x-aideon-cache", "no-store"), "x-aideon-cache"))
                .as("no-store may still read").isEqualTo("hit");
        assertThat(upstream.requestCount()).isEqualTo(4);

        HttpResponse<String> typo = post(ACME, body, "x-aideon-cache", "semantik");
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(json(typo).path("error").path("param").asText()).isEqualTo("x-aideon-cache");
        assertThat(json(typo).path("error").path("message").asText()).contains("semantic, refresh, no-store or bypass");
    }

    @Test
    void entriesExpireAfterTheTtl() throws Exception {
        start("cache: {exact: {ttl: 10m}}");
        String body = chat("What is 2+2?", "\"temperature\":0");
        post(ACME, body);
        clock.advance(Duration.ofMinutes(9));
        HttpResponse<String> young = post(ACME, body);
        assertThat(header(young, "x-aideon-cache")).isEqualTo("hit");
        assertThat(header(young, "x-aideon-cache-age")).isEqualTo("540");
        clock.advance(Duration.ofMinutes(2));
        assertThat(header(post(ACME, body), "x-aideon-cache")).isEqualTo("miss");
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void withTheCacheOffNothingIsCachedOrAnnounced() throws Exception {
        start("cache: {exact: {enabled: false}}");
        String body = chat("What is 2+2?", "\"temperature\":0");
        assertThat(header(post(ACME, body), "x-aideon-cache")).isNull();
        assertThat(header(post(ACME, body), "x-aideon-cache")).isNull();
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void embeddingsAreCachedPerTenantWhateverTheEncoding() throws Exception {
        start("");
        String body = "{\"model\":\"aideon/embed\",\"input\":[\"The cat sits\",\"on the mat\"]}";
        HttpResponse<String> miss = gw.post("/v1/embeddings", ACME, body);
        assertThat(miss.statusCode()).as(miss.body()).isEqualTo(200);
        assertThat(header(miss, "x-aideon-cache")).isEqualTo("miss");
        assertThat(new BigDecimal(header(miss, "x-aideon-cost-usd"))).isPositive();

        HttpResponse<String> hit = gw.post("/v1/embeddings", ACME, body.replace("}", ",\"encoding_format\":\"base64\"}"),
                "x-request-id", "req-embed-hit");
        assertThat(hit.statusCode()).as(hit.body()).isEqualTo(200);
        assertThat(header(hit, "x-aideon-cache")).isEqualTo("hit");
        assertThat(header(hit, "x-aideon-route")).isEqualTo("cache:exact");
        assertThat(header(hit, "x-aideon-cost-usd")).isEqualTo("0.000000");
        assertThat(upstream.requestCount()).isEqualTo(1);
        JsonNode floats = json(miss).path("data").get(1).path("embedding");
        ByteBuffer b64 = ByteBuffer.wrap(Base64.getDecoder().decode(json(hit).path("data").get(1).path("embedding")
                .asText())).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode f : floats) {
            assertThat(b64.getFloat()).isEqualTo((float) f.asDouble());
        }
        assertThat(json(hit).path("aideon").path("source").asText()).isEqualTo("cache");
        assertThat(ledgerRow("req-embed-hit")).containsEntry("route", "cache:exact").containsEntry("cost_micros", 0L);

        assertThat(header(gw.post("/v1/embeddings", GLOBEX, body), "x-aideon-cache")).isEqualTo("miss");
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    private Map<String, Object> ledgerRow(String requestId) throws Exception {
        gw.engine.syncLedger(); // rows are durable in the journal at once, in the database tables moments later
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("aideon.db"));
             PreparedStatement s = c.prepareStatement("SELECT route, provider, model, source, attempts, requests, "
                     + "tokens, cost_micros, status FROM usage_ledger WHERE client_request_id = ?")) {
            s.setString(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("a ledger row for " + requestId).isTrue();
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.put(rs.getMetaData().getColumnName(i), v instanceof Integer n ? n.longValue() : v);
                }
                return row;
            }
        }
    }
}
