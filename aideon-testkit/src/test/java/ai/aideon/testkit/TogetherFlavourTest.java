package ai.aideon.testkit;

import static ai.aideon.testkit.Http.chatBody;
import static ai.aideon.testkit.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TogetherFlavourTest {

    static final String MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo";
    static FakeUpstream up;

    @BeforeAll
    static void start() {
        up = FakeUpstream.together().apiKey("tg-key").models(MODEL, "tiny/Model").contextWindow("tiny/Model", 4).start();
    }

    @AfterAll
    static void stop() {
        up.close();
    }

    @BeforeEach
    void noFaults() {
        up.faults().clear();
    }

    @Test
    void naturalStopIsReportedAsEosWithRequestIdAndCfRay() throws Exception {
        HttpResponse<String> r = Http.post(up, "/v1/chat/completions", chatBody(MODEL, "hi together", ""), "tg-key");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        assertThat(r.headers().firstValue("cf-ray")).hasValueSatisfying(v -> assertThat(v).endsWith("-SJC"));
        JsonNode root = json(r.body());
        assertThat(root.at("/choices/0/finish_reason").asText()).isEqualTo("eos");
        assertThat(root.at("/choices/0/message/content").asText()).startsWith("Echo: hi together.");
        assertThat(root.at("/choices/0/message/tool_calls")).isEmpty(); // [] means "no calls"
        assertThat(root.get("usage").size()).isEqualTo(3); // only the three counts
    }

    @Test
    void streamCarriesUsageOnTheFinalFinishChunkAndNoSeparateUsageChunk() throws Exception {
        String body = Http.post(up, "/v1/chat/completions", chatBody(MODEL, "stream please",
                "\"stream\":true,\"stream_options\":{\"include_usage\":true}"), "tg-key").body();
        List<String> data = Http.sseData(body);
        assertThat(data).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(Http::json).toList();

        assertThat(chunks).allSatisfy(c -> assertThat(c.get("choices")).isNotEmpty());
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("eos");
        assertThat(last.at("/usage/prompt_tokens").asInt()).isEqualTo(2);
        assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(chunks.size() - 2); // minus role and final
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.get("usage").isNull()).isTrue());
    }

    @Test
    void stopSequenceAndLengthAreNotEos() throws Exception {
        JsonNode stop = json(Http.post(up, "/v1/chat/completions",
                chatBody(MODEL, "a b c", "\"stop\":[\"c\"]"), "tg-key").body());
        assertThat(stop.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode length = json(Http.post(up, "/v1/chat/completions",
                chatBody(MODEL, "a b c", "\"max_tokens\":1"), "tg-key").body());
        assertThat(length.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(length.at("/choices/0/message/content").asText()).isEqualTo("Echo:");
    }

    @Test
    void modelsIsABareArrayWithContextLengthTypeAndPricing() throws Exception {
        HttpResponse<String> r = Http.CLIENT.send(Http.postRequest(up, "/v1/models", "", "tg-key").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode arr = json(r.body());
        assertThat(arr.isArray()).isTrue();
        assertThat(arr.findValuesAsText("id")).containsExactly(MODEL, "tiny/Model");
        JsonNode first = arr.get(0);
        assertThat(first.get("type").asText()).isEqualTo("chat");
        assertThat(first.get("context_length").asInt()).isEqualTo(ModelCatalog.DEFAULT_CONTEXT);
        assertThat(arr.get(1).get("context_length").asInt()).isEqualTo(4);
        JsonNode pricing = first.get("pricing");
        for (String key : new String[] {"hourly", "input", "output", "base", "finetune"}) {
            assertThat(pricing.has(key)).as(key).isTrue();
        }
    }

    @Test
    void rateLimitHasDynamicTypeRetryAfterAndRateLimitHeaders() throws Exception {
        up.faults().next(Fault.rateLimited(7));
        HttpResponse<String> r = Http.post(up, "/v1/chat/completions", chatBody(MODEL, "x", ""), "tg-key");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("7");
        assertThat(r.headers().firstValue("x-ratelimit-remaining")).hasValue("0");
        assertThat(r.headers().firstValue("x-ratelimit-reset")).hasValue("7");
        assertThat(r.headers().firstValue("x-tokenlimit-limit")).isPresent();
        assertThat(json(r.body()).at("/error/type").asText()).isEqualTo("dynamic_request_limited");
    }

    @Test
    void overloadedIsPlainText503AndTimeoutIs504() throws Exception {
        up.faults().next(Fault.overloaded()).next(Fault.gatewayTimeout());
        HttpResponse<String> overloaded = Http.post(up, "/v1/chat/completions", chatBody(MODEL, "x", ""), "tg-key");
        assertThat(overloaded.statusCode()).isEqualTo(503);
        assertThat(overloaded.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(overloaded.body()).isEqualTo("Service Unavailable");
        HttpResponse<String> timeout = Http.post(up, "/v1/chat/completions", chatBody(MODEL, "x", ""), "tg-key");
        assertThat(timeout.statusCode()).isEqualTo(504);
        assertThat(json(timeout.body()).at("/error/message").asText()).isNotEmpty();
    }

    @Test
    void wrongKeyUnknownModelAndLongPromptUseTogetherErrors() throws Exception {
        HttpResponse<String> auth = Http.post(up, "/v1/chat/completions", chatBody(MODEL, "x", ""), "test-key");
        assertThat(auth.statusCode()).isEqualTo(401);
        assertThat(json(auth.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");

        HttpResponse<String> model = Http.post(up, "/v1/chat/completions", chatBody("no/such", "x", ""), "tg-key");
        assertThat(model.statusCode()).isEqualTo(404);
        assertThat(json(model.body()).at("/error/message").asText()).contains("no/such");

        HttpResponse<String> ctx = Http.post(up, "/v1/chat/completions", chatBody("tiny/Model", "a b c d e", ""), "tg-key");
        assertThat(ctx.statusCode()).isEqualTo(400);
        JsonNode error = json(ctx.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("must be <= 4");
    }

    @Test
    void streamedCompletionsAreCompletionChunksWithTokenObjects() throws Exception {
        String body = Http.post(up, "/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"hey\",\"stream\":true}", "tg-key").body();
        List<String> data = Http.sseData(body);
        assertThat(data).last().isEqualTo("[DONE]");
        JsonNode firstChunk = json(data.get(0));
        assertThat(firstChunk.get("object").asText()).isEqualTo("completion.chunk");
        assertThat(firstChunk.at("/token/text").asText()).isEqualTo("Echo:");
        JsonNode last = json(data.get(data.size() - 2));
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("eos");
        assertThat(last.at("/usage/total_tokens").asInt()).isPositive();
    }

    @Test
    void toolCallsUseOpenAiShape() throws Exception {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
        JsonNode root = json(Http.post(up, "/v1/chat/completions", chatBody(MODEL, "w", tools), "tg-key").body());
        assertThat(root.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(root.at("/choices/0/message/tool_calls/0/function/arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}");
    }
}
