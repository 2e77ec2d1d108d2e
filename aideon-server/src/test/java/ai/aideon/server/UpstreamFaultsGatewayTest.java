package ai.aideon.server;

import ai.aideon.client.config.ConfigLoader;
import ai.aideon.testkit.Fault;
import ai.aideon.testkit.FakeUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static ai.aideon.server.GatewayFixture.chatBody;
import static ai.aideon.server.GatewayFixture.events;
import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real adapters through the real server against the testkit's faithful fakes: a local Ollama and Together,
 * with every upstream failure mode the gateway must survive or report honestly.
 */
class UpstreamFaultsGatewayTest {
    static final String KEY = "sk-test-premium";
    static final String FREE = "sk-test-free";
    FakeUpstream ollama;
    FakeUpstream together;
    GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        ollama = FakeUpstream.ollama().start();
        together = FakeUpstream.together().apiKey("together-secret-key-0123456789").start();
        String yaml = """
                executor:
                  retries: 1
                  base_backoff: 1ms
                  max_backoff: 5ms
                  max_retry_after: 1s
                  call_timeout: 1s
                providers:
                  local: {type: ollama, source: local, base_url: "%s", timeout: 2s}
                  together: {type: together, source: cloud, base_url: "%s/v1", api_key: "${TOGETHER_KEY}", timeout: 2s}
                models:
                  - {id: local/llama, provider: local, upstream_id: "llama3.1:8b", modality: text, context: 8192,
                     capabilities: [tools, json, streaming], tiers: [premium]}
                  - {id: tg/llama-8b, provider: together, upstream_id: meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo,
                     modality: text, context: 8192, capabilities: [tools, json, streaming],
                     price: {input: 0.18, output: 0.18}, tiers: [free, premium]}
                  - {id: tg/mixtral, provider: together, upstream_id: mistralai/Mixtral-8x7B-Instruct-v0.1,
                     modality: text, context: 32768, capabilities: [tools, json, streaming],
                     price: {input: 0.6, output: 0.6}, tiers: [free, premium]}
                routes:
                  - alias: aideon/text
                    modality: text
                    plans:
                      premium: [{model: local/llama, role: primary}, {model: tg/llama-8b, role: fallback}]
                      free: [{model: tg/llama-8b, role: primary}, {model: tg/mixtral, role: fallback}]
                clients:
                  - {name: p, key: %s, tier: premium}
                  - {name: f, key: %s, tier: free}
                """.formatted(ollama.baseUrl(), together.baseUrl(), KEY, FREE);
        var config = new ConfigLoader(Map.of("TOGETHER_KEY", "together-secret-key-0123456789")::get)
                .parse(yaml, "test.yaml");
        gw = new GatewayFixture(config.withStore(GatewayFixture.tempStore(config)));
    }

    @AfterEach
    void stop() {
        gw.close();
        ollama.close();
        together.close();
    }

    @Test
    void localOllamaAnswersFirst() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", KEY, chatBody("aideon/text", "hello local"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("local:primary");
        assertThat(ollama.requests()).anyMatch(q -> q.path().equals("/api/chat"));
        assertThat(together.requestCount()).isZero();
    }

    @Test
    void localEngineGoneFallsBackToTogether() throws Exception {
        ollama.close(); // the local engine is killed: connection refused
        HttpResponse<String> r = gw.post("/v1/chat/completions", KEY, chatBody("aideon/text", "hello"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route").orElse("")).startsWith("local->together:fallback(");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("cloud");
        // Together was called with our key, and the answer names the Together model we route to.
        assertThat(together.requests().get(0).headers().get("authorization")).isEqualTo("Bearer together-secret-key-0123456789");
    }

    @Test
    void repeated503sFallBackAndTheRouteSaysWhy() throws Exception {
        ollama.faults().always(Fault.serverError());
        HttpResponse<String> r = gw.post("/v1/chat/completions", KEY, chatBody("aideon/text", "hello"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("local->together:fallback(500)");
        // one retry of the local engine before falling back (its health probes aside)
        assertThat(ollama.requests().stream().filter(q -> q.path().equals("/api/chat")).count()).isEqualTo(2);
    }

    @Test
    void aSingleRateLimitIsRetriedAfterRetryAfter() throws Exception {
        together.faults().next(Fault.rateLimited(1));
        long t0 = System.nanoTime();
        HttpResponse<String> r = gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "hello"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("tg/llama-8b");
        assertThat(together.requestCount()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void connectionResetAndTimeoutFallBack() throws Exception {
        together.faults().next(2, Fault.connectionReset());
        HttpResponse<String> r = gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "hello"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("tg/mixtral");

        together.faults().next(2, Fault.delayFirstByte(Duration.ofSeconds(3)));
        HttpResponse<String> slow = gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "hello"));
        assertThat(slow.statusCode()).isEqualTo(200);
        assertThat(slow.headers().firstValue("x-aideon-route").orElse("")).contains("fallback(timeout)");
    }

    @Test
    void allCandidatesFailingIsA503WithTheLastCause() throws Exception {
        together.faults().always(Fault.overloaded());
        HttpResponse<String> r = gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "hello"));
        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode err = json(r).path("error");
        assertThat(err.path("message").asText()).contains("503");
        assertThat(r.headers().firstValue("x-aideon-route")).isPresent();
    }

    @Test
    void aBadProviderKeyNeverLeaksToTheClient() throws Exception {
        together.faults().always(Fault.invalidKey());
        HttpResponse<String> r = gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "hello"));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).doesNotContain("together-secret-key-0123456789");
    }

    @Test
    void streamFailureBeforeTheFirstByteFallsBack() throws Exception {
        ollama.faults().always(Fault.serverError());
        HttpResponse<String> r = gw.post("/v1/chat/completions", KEY, streamBody());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("local->together:fallback(500)");
        List<String> ev = events(r.body());
        assertThat(ev.get(ev.size() - 1)).isEqualTo("[DONE]");
        assertThat(GatewayFixture.JSON.readTree(ev.get(ev.size() - 2)).path("usage").path("total_tokens").asInt()).isPositive();
    }

    @Test
    void midStreamAbortEndsWithAnErrorEventAndNoDone() throws Exception {
        together.faults().next(Fault.abortMidStream(3));
        HttpResponse<String> r = gw.post("/v1/chat/completions", FREE, streamBody());
        assertThat(r.statusCode()).isEqualTo(200); // headers were already sent: the failure must be in-band
        List<String> ev = events(r.body());
        assertThat(ev).doesNotContain("[DONE]");
        JsonNode last = GatewayFixture.JSON.readTree(ev.get(ev.size() - 1));
        assertThat(last.path("error").path("code").asText()).isEqualTo("stream_interrupted");
        assertThat(last.path("error").has("message")).isTrue();
        // the chunks before the failure were delivered, and there was exactly one error event
        assertThat(ev.size()).isGreaterThan(1);
        assertThat(ev.stream().filter(e -> e.contains("\"error\"")).count()).isEqualTo(1);
        // no silent fallback after the first byte
        assertThat(together.requestCount()).isEqualTo(1);
    }

    @Test
    void inBandUpstreamErrorEventIsReportedAsAnErrorEvent() throws Exception {
        ollama.faults().next(Fault.errorEventMidStream(2));
        HttpResponse<String> r = gw.post("/v1/chat/completions", KEY, streamBody());
        List<String> ev = events(r.body());
        assertThat(ev).doesNotContain("[DONE]");
        assertThat(GatewayFixture.JSON.readTree(ev.get(ev.size() - 1)).path("error").path("code").asText())
                .isEqualTo("stream_interrupted");
    }

    @Test
    void toolCallsFromOllamaGetIdsAndStringArguments() throws Exception {
        String body = "{\"model\":\"aideon/text\",\"messages\":[{\"role\":\"user\",\"content\":\"weather in Oslo\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]}";
        HttpResponse<String> r = gw.post("/v1/chat/completions", KEY, body);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode call = json(r).path("choices").get(0).path("message").path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isNotBlank();
        assertThat(call.path("function").path("arguments").isTextual()).isTrue();
        assertThat(GatewayFixture.JSON.readTree(call.path("function").path("arguments").asText()).has("city")).isTrue();
    }

    private static String streamBody() {
        return "{\"model\":\"aideon/text\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a long story about rivers\"}]}";
    }
}
