package ai.aideon.server;

import ai.aideon.client.config.ConfigLoader;
import ai.aideon.testkit.FakeUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import static ai.aideon.server.GatewayFixture.json;
import static ai.aideon.server.GatewayFixture.quote;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The opt-in semantic cache through the real server, with the real in-process all-MiniLM-L6-v2 model and a fake
 * upstream that echoes the question (so a wrong hit would show as an answer to the other question). Every request
 * samples (temperature 0.7): the exact cache stays out of it.
 */
class SemanticCacheGatewayTest {
    static final String ACME = "sk-acme";
    static final String GLOBEX = "sk-globex";
    static final String[] SEMANTIC = {"x-aideon-cache", "semantic"};

    @TempDir
    Path dir;
    FakeUpstream upstream;
    GatewayFixture gw;

    void start(String embedProvider, String semantic) throws Exception {
        upstream = FakeUpstream.openAi().start();
        String yaml = """
                store: "sqlite:%s"
                executor: {retries: 0, call_timeout: 2s}
                providers:
                  cloud: {type: openai, source: cloud, base_url: "%s/v1", api_key: test-key, timeout: 2s}
                %s
                models:
                  - {id: cloud/llama-8b, provider: cloud, upstream_id: llama-8b, modality: text, context: 8192,
                     capabilities: [tools, json, streaming], price: {input: 0.18, output: 0.18}, tiers: [premium]}
                routes:
                  - {alias: aideon/text, modality: text, plans: {premium: [{model: cloud/llama-8b, role: primary}]}}
                tiers:
                  premium: {budget: {usd: 100.00, period: month}}
                clients:
                  - {name: acme, key: %s, tier: premium, tenant: acme}
                  - {name: globex, key: %s, tier: premium, tenant: globex}
                cache:
                  semantic: %s
                """.formatted(dir.resolve("aideon.db"), upstream.baseUrl(), embedProvider, ACME, GLOBEX, semantic);
        gw = new GatewayFixture(new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "semantic-test.yaml"));
    }

    void start() throws Exception {
        start("  local-embed: {type: onnx, source: local}", "{enabled: true}");
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

    static String chat(String model, String system, String question, boolean tools) {
        return "{\"model\":\"" + model + "\",\"temperature\":0.7,"
                + (tools ? "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{}}}}],\"tool_choice\":\"none\"," : "")
                + "\"messages\":[" + (system == null ? "" : "{\"role\":\"system\",\"content\":" + quote(system) + "},")
                + "{\"role\":\"user\",\"content\":" + quote(question) + "}]}";
    }

    static String chat(String question) {
        return chat("aideon/text", "Answer in one sentence.", question, false);
    }

    HttpResponse<String> post(String key, String body, String... headers) throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", key, body, headers);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    static String header(HttpResponse<String> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    static String answer(HttpResponse<String> r) throws Exception {
        return json(r).path("choices").get(0).path("message").path("content").asText();
    }

    @Test
    void aParaphraseIsAnsweredFromTheCacheAndSaysSo() throws Exception {
        start();
        HttpResponse<String> miss = post(ACME, chat("What is the capital of France?"), SEMANTIC);
        assertThat(header(miss, "x-aideon-cache")).isEqualTo("miss");

        HttpResponse<String> hit = post(ACME, chat("What's the capital of France?"), "x-aideon-cache", "semantic",
                "x-request-id", "req-semantic-hit");
        assertThat(header(hit, "x-aideon-cache")).isEqualTo("hit");
        assertThat(header(hit, "x-aideon-cache-kind")).isEqualTo("semantic");
        assertThat(header(hit, "x-aideon-route")).isEqualTo("cache:semantic");
        assertThat(header(hit, "x-aideon-cost-usd")).isEqualTo("0.000000");
        assertThat(Double.parseDouble(header(hit, "x-aideon-cache-similarity"))).isBetween(0.92, 1.0);
        assertThat(answer(hit)).isEqualTo(answer(miss));
        JsonNode cache = json(hit).path("aideon").path("cache");
        assertThat(cache.path("kind").asText()).isEqualTo("semantic");
        assertThat(cache.path("similarity").asDouble()).isGreaterThanOrEqualTo(0.92);
        assertThat(upstream.requestCount()).isEqualTo(1);
        gw.engine.syncLedger();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("aideon.db"));
             PreparedStatement s = c.prepareStatement(
                     "SELECT route, source, cost_micros FROM usage_ledger WHERE client_request_id = ?")) {
            s.setString(1, "req-semantic-hit");
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("route")).isEqualTo("cache:semantic");
                assertThat(rs.getString("source")).isEqualTo("cache");
                assertThat(rs.getLong("cost_micros")).isZero();
            }
        }

        HttpResponse<String> polite = post(ACME, chat("Can you tell me what the capital of France is?"), SEMANTIC);
        assertThat(header(polite, "x-aideon-cache")).isEqualTo("hit");
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void nearMissesNeverHit() throws Exception {
        start();
        List<String[]> pairs = List.of(
                new String[]{"What is 15% of 200?", "What is 15% of 300?", "300"},
                new String[]{"Is Paris the capital of France?", "Is Paris not the capital of France?", "not"},
                new String[]{"Convert 5 miles to km", "Convert 50 miles to km", "50"},
                new String[]{"Convert 5 miles to km", "Convert 5 km to miles", "km to miles"},
                new String[]{"Is coffee good for you?", "Is coffee bad for you?", "bad"},
                new String[]{"What is the capital of France?", "What is the capital of Germany?", "Germany"});
        int calls = 0;
        for (String[] p : pairs) {
            post(ACME, chat(p[0]), SEMANTIC);
            HttpResponse<String> asked = post(ACME, chat(p[1]), SEMANTIC);
            calls = upstream.requestCount();
            assertThat(header(asked, "x-aideon-cache")).as(p[1]).isEqualTo("miss");
            // The fake upstream echoes the question: the answer is to the question asked, not the cached one.
            assertThat(answer(asked)).as(p[1]).contains(p[2]);
        }
        assertThat(calls).as("every near miss went upstream; the repeated 'Convert 5 miles to km' hit itself")
                .isEqualTo(2 * pairs.size() - 1);
    }

    @Test
    void onlyTheSameContextMayShareAnAnswer() throws Exception {
        start();
        String question = "What is the capital of France?";
        post(ACME, chat(question), SEMANTIC);
        assertThat(upstream.requestCount()).isEqualTo(1);

        assertThat(header(post(ACME, chat("aideon/text", "Answer in French.", question, false), SEMANTIC),
                "x-aideon-cache")).as("another system prompt").isEqualTo("miss");
        assertThat(header(post(ACME, chat("aideon/text", "Answer in one sentence.", question, true), SEMANTIC),
                "x-aideon-cache")).as("tools: not cacheable at all").isNull();
        assertThat(header(post(ACME, chat("cloud/llama-8b", "Answer in one sentence.", question, false), SEMANTIC),
                "x-aideon-cache")).as("another model as asked").isEqualTo("miss");
        assertThat(header(post(GLOBEX, chat(question), SEMANTIC), "x-aideon-cache")).as("another tenant")
                .isEqualTo("miss");
        assertThat(header(post(ACME, chat(question)), "x-aideon-cache")).as("no opt-in: a sampling request is not "
                + "cacheable").isNull();
        assertThat(header(post(ACME, chat("What's the capital of France?"), "x-aideon-cache", "semantic, bypass"),
                "x-aideon-cache")).isEqualTo("bypass");
        assertThat(upstream.requestCount()).isEqualTo(7);

        assertThat(header(post(ACME, chat("What's the capital of France?"), SEMANTIC), "x-aideon-cache"))
                .as("and the original context still hits").isEqualTo("hit");
        assertThat(upstream.requestCount()).isEqualTo(7);
    }

    @Test
    void withoutALocalEmbeddingModelTheSemanticCacheIsOffAndRequestsStillWork() throws Exception {
        start("", "{enabled: true}");
        assertThat(gw.engine.cache().semanticEnabled()).isFalse();
        assertThat(gw.engine.cache().describe()).contains("semantic off (no local embedding model)");
        for (int i = 0; i < 2; i++) {
            assertThat(header(post(ACME, chat("What is the capital of France?"), SEMANTIC), "x-aideon-cache")).isNull();
        }
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void theSemanticCacheIsOffUnlessConfigured() throws Exception {
        start("  local-embed: {type: onnx, source: local}", "{enabled: false}");
        assertThat(gw.engine.cache().semanticEnabled()).isFalse();
        post(ACME, chat("What is the capital of France?"), SEMANTIC);
        assertThat(header(post(ACME, chat("What's the capital of France?"), SEMANTIC), "x-aideon-cache")).isNull();
        assertThat(upstream.requestCount()).isEqualTo(2);
    }
}
