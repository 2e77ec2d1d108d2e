package ai.aideon.server;

import ai.aideon.client.DemoMode;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static ai.aideon.server.GatewayFixture.chatBody;
import static ai.aideon.server.GatewayFixture.events;
import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The demo configuration (the real catalog, simulated upstreams) through the real HTTP server. */
class DemoGatewayTest {
    static final String PREMIUM = DemoMode.PREMIUM_KEY;
    static final String FREE = DemoMode.FREE_KEY;
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayFixture.demo();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @AfterEach
    void localBackUp() {
        gw.engine.simulators().values().forEach(s -> s.setDown(false));
    }

    @Test
    void premiumChatIsServedByTheLocalEngineFirst() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "Tell me about tides"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        assertThat(r.headers().firstValue("x-aideon-provider")).hasValue("local");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("aideon-local/llama3.1-8b");
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("local:primary");
        JsonNode body = json(r);
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("choices").get(0).path("message").path("content").asText()).isNotBlank();
        assertThat(body.path("usage").path("total_tokens").asLong()).isPositive();
        assertThat(body.path("aideon").path("provider").asText()).isEqualTo("local");
        assertThat(body.path("aideon").path("source").asText()).isEqualTo("local");
        assertThat(body.path("aideon").path("attempts")).hasSize(1);
    }

    @Test
    void freeTierStartsWithTheFreePrimaryInTheCloud() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "hello"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("cloud");
    }

    @Test
    void streamEndsWithUsageChunkAndDone() throws Exception {
        String body = "{\"model\":\"aideon/text\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Stream me a story\"}]}";
        HttpResponse<String> r = gw.post("/v1/chat/completions", PREMIUM, body);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> ev = events(r.body());
        assertThat(ev.get(ev.size() - 1)).isEqualTo("[DONE]");
        JsonNode first = GatewayFixture.JSON.readTree(ev.get(0));
        assertThat(first.path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        JsonNode usage = GatewayFixture.JSON.readTree(ev.get(ev.size() - 2));
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asLong()).isPositive();
        assertThat(usage.path("aideon").path("provider").asText()).isEqualTo("local");
        StringBuilder text = new StringBuilder();
        for (String e : ev.subList(0, ev.size() - 2)) {
            text.append(GatewayFixture.JSON.readTree(e).path("choices").get(0).path("delta").path("content").asText(""));
        }
        assertThat(text.toString()).isNotBlank();
        // the streamed text has as many tokens as the usage says were completed
        assertThat(ev.size() - 2).isGreaterThanOrEqualTo((int) usage.path("usage").path("completion_tokens").asLong());
    }

    @Test
    void killingTheLocalEngineFallsBackToTogether() throws Exception {
        gw.engine.simulators().get("local").setDown(true);
        HttpResponse<String> r = gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "still there?"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-provider")).hasValue("together");
        assertThat(r.headers().firstValue("x-aideon-route").orElse("")).startsWith("local->together:fallback(");
        assertThat(json(r).path("aideon").path("attempts").size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theDemoSwitchTurnsTheLocalEngineOffOverHttp() throws Exception {
        HttpResponse<String> off = gw.post("/aideon/v1/simulator/local/down", PREMIUM, "");
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(json(off).path("state").asText()).isEqualTo("down");
        HttpResponse<String> r = gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "hi"));
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("cloud");
    }

    @Test
    void aPromptTooLongForTheEightKModelsGoesToALongerWindow() throws Exception {
        String longPrompt = "word ".repeat(9_000);
        HttpResponse<String> r = gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", longPrompt));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("mistralai/Mixtral-8x7B-Instruct-v0.1");
    }

    @Test
    void aPromptThatFitsNoModelIsAClearContextLengthError() throws Exception {
        String hugePrompt = "word ".repeat(40_000);
        HttpResponse<String> r = gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", hugePrompt));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode err = json(r).path("error");
        assertThat(err.path("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(err.path("param").asText()).isEqualTo("messages");
        assertThat(err.path("message").asText()).contains("32768");
    }

    @Test
    void modelsListsEverySeedModelAndTheRouteAliases() throws Exception {
        HttpResponse<String> r = gw.get("/v1/models", PREMIUM);
        assertThat(r.statusCode()).isEqualTo(200);
        Set<String> ids = new HashSet<>();
        json(r).path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).contains("aideon/text", "aideon/code", "aideon/vision", "aideon/image", "aideon/tts",
                "aideon/stt", "aideon/embed",
                "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", "mistralai/Mixtral-8x7B-Instruct-v0.1",
                "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo", "meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo",
                "Nexusflow/NexusRaven-V2-13B", "codellama/CodeLlama-13b-Instruct-hf",
                "deepseek-ai/deepseek-coder-33b-instruct", "codellama/CodeLlama-70b-Instruct-hf",
                "deepseek-ai/DeepSeek-VL-7B-Chat", "Qwen/Qwen-VL-Chat", "Snowflake/snowflake-arctic-instruct",
                "stabilityai/stable-diffusion-xl-base-1.0", "runwayml/stable-diffusion-v1-5", "stabilityai/sdxl-turbo",
                "playgroundai/playground-v2.5", "cartesia/sonic", "openai/whisper-medium", "openai/whisper-large-v3");
        HttpResponse<String> one = gw.get("/v1/models/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", PREMIUM);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(json(one).path("aideon").path("context_window").asInt()).isEqualTo(8192);
        assertThat(gw.get("/v1/models/nope/nothing", PREMIUM).statusCode()).isEqualTo(404);
    }

    @Test
    void aConcreteModelStillGetsFallbacksFromItsRoute() throws Exception {
        gw.engine.simulators().get("together").setDown(true);
        HttpResponse<String> r = gw.post("/v1/chat/completions", PREMIUM,
                chatBody("meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo", "hi"));
        // together is down entirely; the route's local model takes over
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-provider")).hasValue("local");
        assertThat(r.headers().firstValue("x-aideon-route").orElse("")).startsWith("together->");
    }

    @Test
    void whenEveryCandidateIsDownTheClientGets503NamingTheCause() throws Exception {
        gw.engine.simulators().values().forEach(s -> s.setDown(true));
        HttpResponse<String> r = gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "anyone?"));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).path("error").path("message").asText()).contains("unavailable");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void freeKeyAskingForAPremiumModelIsRefusedWithTheTierNamed() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", FREE,
                chatBody("meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo", "hi"));
        assertThat(r.statusCode()).isEqualTo(403);
        JsonNode err = json(r).path("error");
        assertThat(err.path("code").asText()).isEqualTo("upgrade_required");
        assertThat(err.path("message").asText()).contains("premium");
    }

    @Test
    void clientMistakesAre4xxWithTheFieldNamed() throws Exception {
        assertError(gw.post("/v1/chat/completions", PREMIUM, "{not json"), 400, null);
        assertError(gw.post("/v1/chat/completions", PREMIUM, "{\"model\":\"aideon/text\"}"), 400, "messages");
        assertError(gw.post("/v1/chat/completions", PREMIUM, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "model");
        assertError(gw.post("/v1/chat/completions", PREMIUM, chatBody("no/such-model", "x")), 404, "model");
        assertError(gw.post("/v1/chat/completions", PREMIUM,
                "{\"model\":\"aideon/text\",\"temperature\":7,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "temperature");
        assertError(gw.post("/v1/chat/completions", PREMIUM,
                "{\"model\":\"aideon/text\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"), 400, "messages[0].role");
        assertError(gw.post("/v1/chat/completions", PREMIUM,
                "{\"model\":\"aideon/text\",\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "stream_options");
        assertError(gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "x"), "x-aideon-role", "boss"), 400, "x-aideon-role");
        assertError(gw.post("/v1/chat/completions", null, chatBody("aideon/text", "x")), 401, null);
        assertError(gw.post("/v1/chat/completions", "sk-wrong-key-123", chatBody("aideon/text", "x")), 401, null);
        HttpResponse<String> wrongKey = gw.post("/v1/chat/completions", "sk-wrong-key-123", chatBody("aideon/text", "x"));
        assertThat(wrongKey.body()).doesNotContain("sk-wrong-key-123");
        assertError(gw.get("/v1/nothing-here", PREMIUM), 404, null);
        assertError(gw.get("/v1/chat/completions", PREMIUM), 405, null);
    }

    @Test
    void legacyCompletionsWork() throws Exception {
        HttpResponse<String> r = gw.post("/v1/completions", PREMIUM, "{\"model\":\"aideon/text\",\"prompt\":\"Once upon a time\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("object").asText()).isEqualTo("text_completion");
        assertThat(body.path("choices").get(0).path("text").asText()).isNotBlank();
        // legacy default max_tokens is 16
        assertThat(body.path("usage").path("completion_tokens").asInt()).isLessThanOrEqualTo(16);
    }

    @Test
    void explainShowsThePlanWithoutCallingAnything() throws Exception {
        HttpResponse<String> r = gw.get("/aideon/v1/explain?model=aideon/text&role=critical", PREMIUM);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode plan = json(r);
        assertThat(plan.path("role").asText()).isEqualTo("critical");
        assertThat(plan.path("candidates").get(0).path("model").asText())
                .isEqualTo("meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo");
        HttpResponse<String> free = gw.get("/aideon/v1/explain?model=aideon/text", FREE);
        assertThat(json(free).path("candidates").get(0).path("model").asText())
                .isEqualTo("meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo");
    }

    @Test
    void qualityRoleReportsAScore() throws Exception {
        HttpResponse<String> r = gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "Explain photosynthesis"),
                "x-aideon-role", "quality");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-quality")).isPresent();
        double q = Double.parseDouble(r.headers().firstValue("x-aideon-quality").get());
        assertThat(q).isBetween(0.0, 1.0);
    }

    private static void assertError(HttpResponse<String> r, int status, String param) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode err = json(r).path("error");
        assertThat(err.has("message") && err.has("type") && err.has("param") && err.has("code")).as(r.body()).isTrue();
        assertThat(err.path("message").asText()).isNotBlank();
        if (param != null) {
            assertThat(err.path("param").asText()).isEqualTo(param);
        }
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
    }
}
