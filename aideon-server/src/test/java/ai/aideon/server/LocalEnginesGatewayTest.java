package ai.aideon.server;

import ai.aideon.client.Scheduler;
import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ConfigLoader;
import ai.aideon.testkit.FakeUpstream;
import ai.aideon.testkit.RecordedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static ai.aideon.server.GatewayFixture.chatBody;
import static ai.aideon.server.GatewayFixture.events;
import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ollama, llama.cpp and vLLM as first-class local engines, through the real server against the testkit's fakes:
 * their models are discovered into the catalog, probes take a dead or loading engine out of routing before any
 * request is spent on it, and bring it back. Background work runs on a manual scheduler; the test drives it.
 */
class LocalEnginesGatewayTest {
    static final String PREMIUM = "sk-local-premium";
    static final String FREE = "sk-local-free";
    static final String LLAMA_MODEL = "qwen2.5-7b-instruct";
    static final String VLLM_MODEL = "Qwen/Qwen2.5-7B-Instruct";

    FakeUpstream ollama;
    FakeUpstream llama;
    FakeUpstream vllm;
    FakeUpstream together;
    Scheduler.Manual scheduler;
    AideonConfig config;
    GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        ollama = FakeUpstream.ollama().models("llama3.2:3b", "nomic-embed-text")
                .contextWindow("llama3.2:3b", 131072).contextWindow("nomic-embed-text", 2048).start();
        llama = FakeUpstream.llamaCpp().models(LLAMA_MODEL).contextWindow(LLAMA_MODEL, 8192).start();
        vllm = FakeUpstream.vllm().models(VLLM_MODEL).contextWindow(VLLM_MODEL, 32768).start();
        together = FakeUpstream.together().apiKey("tg-key").start();
        String yaml = """
                store: none
                executor: {retries: 0, call_timeout: 5s}
                providers:
                  ollama: {type: ollama, base_url: "%s"}
                  llama: {type: llamacpp, base_url: "%s/v1"}
                  gpu: {type: vllm, base_url: "%s", discover_tiers: [premium]}
                  together: {type: together, base_url: "%s/v1", api_key: tg-key}
                models:
                  - {id: local/llama-small, provider: ollama, upstream_id: "llama3.2:3b", modality: text,
                     capabilities: [streaming], tiers: [premium], description: declared by hand}
                  - {id: tg/llama-8b, provider: together, upstream_id: meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo,
                     modality: text, context: 8192, capabilities: [tools, json, streaming],
                     price: {input: 0.18, output: 0.18}, tiers: [free, premium]}
                routes:
                  - alias: aideon/text
                    modality: text
                    plans:
                      premium: [{model: llama/%s, role: primary}, {model: ollama/qwen3:8b, role: fallback},
                                {model: tg/llama-8b, role: fallback}]
                      free: [{model: tg/llama-8b, role: primary}]
                tiers: {free: {}, premium: {}}
                clients:
                  - {name: p, key: %s, tier: premium}
                  - {name: f, key: %s, tier: free}
                """.formatted(ollama.baseUrl(), llama.baseUrl(), vllm.baseUrl(), together.baseUrl(), LLAMA_MODEL,
                PREMIUM, FREE);
        config = new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "engines.yaml");
        scheduler = Scheduler.manual();
        gw = new GatewayFixture(config, scheduler);
    }

    @AfterEach
    void stop() {
        gw.close();
        for (FakeUpstream f : List.of(ollama, llama, vllm, together)) {
            f.close();
        }
    }

    private JsonNode model(JsonNode list, String id) {
        for (JsonNode m : list.get("data")) {
            if (m.get("id").asText().equals(id)) {
                return m;
            }
        }
        return null;
    }

    private static long chats(FakeUpstream f, String path) {
        return f.requests().stream().map(RecordedRequest::path).filter(path::equals).count();
    }

    @Test
    void discoveredModelsAreListedWithTheirEnginesWindowAndConfiguredModelsWin() throws Exception {
        JsonNode list = json(gw.get("/v1/models", PREMIUM));

        JsonNode llamaModel = model(list, "llama/" + LLAMA_MODEL);
        assertThat(llamaModel).isNotNull();
        assertThat(llamaModel.at("/aideon/context_window").asInt()).as("n_ctx from /props").isEqualTo(8192);
        assertThat(llamaModel.at("/aideon/source").asText()).isEqualTo("local");
        assertThat(llamaModel.at("/aideon/discovered").asBoolean()).isTrue();
        assertThat(llamaModel.at("/aideon/tiers")).hasSize(2);

        JsonNode gpu = model(list, "gpu/" + VLLM_MODEL);
        assertThat(gpu.at("/aideon/context_window").asInt()).as("max_model_len").isEqualTo(32768);
        assertThat(gpu.at("/aideon/tiers").get(0).asText()).isEqualTo("premium");
        assertThat(gpu.at("/aideon/tiers")).hasSize(1);

        JsonNode embed = model(list, "ollama/nomic-embed-text:latest");
        assertThat(embed.at("/aideon/modality").asText()).isEqualTo("embed");
        assertThat(embed.at("/aideon/context_window").asInt()).isEqualTo(2048);

        // Declared by hand: keeps its id, tiers and description; its missing window comes from /api/show.
        JsonNode declared = model(list, "local/llama-small");
        assertThat(declared.at("/aideon/context_window").asInt()).isEqualTo(131072);
        assertThat(declared.at("/aideon/tiers")).hasSize(1);
        assertThat(declared.at("/aideon/description").asText()).isEqualTo("declared by hand");
        assertThat(declared.at("/aideon/discovered").isMissingNode()).isTrue();
        assertThat(model(list, "ollama/llama3.2:3b")).as("not listed a second time").isNull();
    }

    @Test
    void aRouteNamesDiscoveredModelsAndSkipsOnesNotListedYet() throws Exception {
        JsonNode plan = json(gw.get("/aideon/v1/explain?model=aideon/text", PREMIUM));
        assertThat(plan.at("/candidates/0/model").asText()).isEqualTo("llama/" + LLAMA_MODEL);
        assertThat(plan.at("/candidates/1/model").asText()).isEqualTo("tg/llama-8b");
        assertThat(plan.at("/skipped/0/model").asText()).isEqualTo("ollama/qwen3:8b");
        assertThat(plan.at("/skipped/0/reason").asText()).isEqualTo("not discovered: engine 'ollama' has not listed it");

        // `ollama pull qwen3:8b`, then the scheduled discovery (driven here) lists it and the route resolves it.
        ollama.models("llama3.2:3b", "nomic-embed-text", "qwen3:8b");
        scheduler.runAll();
        JsonNode after = json(gw.get("/aideon/v1/explain?model=aideon/text", PREMIUM));
        assertThat(after.at("/candidates/1/model").asText()).isEqualTo("ollama/qwen3:8b");
        assertThat(after.get("skipped")).isEmpty();
        assertThat(scheduler.scheduled()).contains("aideon-probe-llama every 10s", "aideon-discover-ollama every 30s");
    }

    @Test
    void aReloadAsksTheEnginesForTheirModelsAgain() {
        assertThat(gw.engine.catalog().model("ollama/qwen3:8b")).isEmpty();
        ollama.models("llama3.2:3b", "nomic-embed-text", "qwen3:8b"); // `ollama pull qwen3:8b`, then SIGHUP
        gw.engine.reloadCatalog(config);
        assertThat(gw.engine.catalog().model("ollama/qwen3:8b")).isPresent();
        assertThat(gw.engine.isDiscovered("ollama/qwen3:8b")).isTrue();
        assertThat(gw.engine.isDiscovered("local/llama-small")).isFalse();
    }

    @Test
    void llamaCppChatAndStreamingThroughTheGateway() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "hello llama"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("llama/" + LLAMA_MODEL);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("llama:primary");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(json(r).at("/choices/0/message/content").asText()).startsWith("Echo: hello llama");
        assertThat(llama.requests().getLast().body()).contains("\"model\":\"" + LLAMA_MODEL + "\"");

        HttpResponse<String> s = gw.post("/v1/chat/completions", PREMIUM, """
                {"model":"llama/%s","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"stream from llama"}]}""".formatted(LLAMA_MODEL));
        assertThat(s.statusCode()).isEqualTo(200);
        List<String> data = events(s.body());
        assertThat(data.getLast()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = GatewayFixture.JSON.readTree(d);
            if (chunk.path("choices").size() > 0) {
                text.append(chunk.at("/choices/0/delta/content").asText(""));
            }
        }
        assertThat(text.toString()).startsWith("Echo: stream from llama");
        JsonNode last = GatewayFixture.JSON.readTree(data.get(data.size() - 2));
        assertThat(last.at("/usage/total_tokens").asInt()).isPositive();
        assertThat(last.at("/aideon/provider").asText()).isEqualTo("llama");
    }

    @Test
    void vllmServesItsDiscoveredModelOnlyToItsDiscoveryTiers() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", PREMIUM, chatBody("gpu/" + VLLM_MODEL, "hi vllm"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).at("/choices/0/message/content").asText()).startsWith("Echo: hi vllm");
        assertThat(vllm.requests().getLast().body()).contains("\"model\":\"" + VLLM_MODEL + "\"");

        HttpResponse<String> free = gw.post("/v1/chat/completions", FREE, chatBody("gpu/" + VLLM_MODEL, "hi"));
        assertThat(free.statusCode()).isEqualTo(403);
    }

    @Test
    void aLoadingOrDeadEngineIsSkippedWithoutAnAttemptAndTakenBackWhenItRecovers() throws Exception {
        llama.loading(true);
        gw.engine.refreshLocalEngines(); // the probe, driven directly
        long before = chats(llama, "/v1/chat/completions");

        HttpResponse<String> r = gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "anyone there?"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-provider")).hasValue("together");
        assertThat(chats(llama, "/v1/chat/completions")).as("no attempt at the loading engine").isEqualTo(before);
        JsonNode plan = json(gw.get("/aideon/v1/explain?model=aideon/text", PREMIUM));
        assertThat(plan.get("skipped").findValuesAsText("reason")).contains("engine loading: HTTP 503: Loading model");
        JsonNode health = json(gw.get("/aideon/v1/health", PREMIUM)).at("/local_engines/llama");
        assertThat(health.get("state").asText()).isEqualTo("loading");

        llama.loading(false);
        llama.stop();
        gw.engine.refreshLocalEngines();
        health = json(gw.get("/aideon/v1/health", PREMIUM)).at("/local_engines/llama");
        assertThat(health.get("state").asText()).isEqualTo("down");
        assertThat(health.get("detail").asText()).contains("connection");
        assertThat(gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "hi"))
                .headers().firstValue("x-aideon-provider")).hasValue("together");

        llama.restart();
        gw.engine.refreshLocalEngines();
        HttpResponse<String> back = gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "welcome back"));
        assertThat(back.headers().firstValue("x-aideon-provider")).hasValue("llama");
        assertThat(json(gw.get("/aideon/v1/health", PREMIUM)).at("/local_engines/llama/state").asText())
                .isEqualTo("up");
    }

    @Test
    void aRequestForADownEnginesModelIsA503ThatNamesTheEngine() throws Exception {
        vllm.stop();
        gw.engine.refreshLocalEngines();
        HttpResponse<String> r = gw.post("/v1/chat/completions", PREMIUM, chatBody("gpu/" + VLLM_MODEL, "hi"));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("no_healthy_candidate");
        assertThat(json(r).at("/error/message").asText()).contains("gpu/" + VLLM_MODEL).contains("engine down");
        // Its models stay in the catalog while it is down: they come back with it, without a new listing.
        assertThat(model(json(gw.get("/v1/models", PREMIUM)), "gpu/" + VLLM_MODEL)).isNotNull();
    }

    @Test
    void theHealthEndpointShowsEachEngineWithItsModelsAndLastProbe() throws Exception {
        JsonNode engines = json(gw.get("/aideon/v1/health", PREMIUM)).get("local_engines");
        assertThat(engines.fieldNames()).toIterable().containsExactly("gpu", "llama", "ollama");
        JsonNode o = engines.get("ollama");
        assertThat(o.get("type").asText()).isEqualTo("ollama");
        assertThat(o.get("state").asText()).isEqualTo("up");
        assertThat(o.get("detail").asText()).startsWith("ollama ");
        assertThat(Instant.parse(o.get("last_probe").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(o.get("models").asInt()).as("llama3.2:3b is declared by hand").isEqualTo(1);
        assertThat(o.get("model_ids").get(0).asText()).isEqualTo("ollama/nomic-embed-text:latest");
        assertThat(o.get("discovery_error").isNull()).isTrue();
        assertThat(engines.at("/gpu/model_ids/0").asText()).isEqualTo("gpu/" + VLLM_MODEL);

        // A listing that fails keeps the models last seen and says why. Faults queue per request: the probe
        // (first) is answered normally, the model listing (second) gets a 500.
        ollama.faults().next(ai.aideon.testkit.Fault.delayFirstByte(java.time.Duration.ZERO))
                .next(ai.aideon.testkit.Fault.serverError());
        gw.engine.refreshLocalEngines();
        JsonNode after = json(gw.get("/aideon/v1/health", PREMIUM)).at("/local_engines/ollama");
        assertThat(after.get("state").asText()).isEqualTo("up");
        assertThat(after.get("discovery_error").asText()).contains("HTTP 500");
        assertThat(after.get("models").asInt()).isEqualTo(1);
        assertThat(model(json(gw.get("/v1/models", PREMIUM)), "ollama/nomic-embed-text:latest")).isNotNull();
    }
}
