package ai.aideon.testkit;

import static ai.aideon.testkit.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OllamaFlavourTest {

    static FakeUpstream up;

    @BeforeAll
    static void start() {
        up = FakeUpstream.ollama().models("llama3.2", "qwen2.5:0.5b").contextWindow("llama3.2", 4).start();
    }

    @AfterAll
    static void stop() {
        up.close();
    }

    @BeforeEach
    void noFaults() {
        up.faults().clear();
    }

    private static String chat(String model, String text, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]"
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @Test
    void rootSaysOllamaIsRunningAndTagsListModels() throws Exception {
        HttpResponse<String> root = Http.get(up, "/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).isEqualTo("Ollama is running");
        JsonNode tags = json(Http.get(up, "/api/tags").body());
        assertThat(tags.get("models").findValuesAsText("name")).containsExactly("llama3.2:latest", "qwen2.5:0.5b");
        assertThat(tags.at("/models/0/details/format").asText()).isEqualTo("gguf");
    }

    @Test
    void showReportsContextLength() throws Exception {
        JsonNode show = json(Http.post(up, "/api/show", "{\"model\":\"llama3.2\"}", null).body());
        assertThat(show.at("/model_info/llama.context_length").asInt()).isEqualTo(4);
        JsonNode other = json(Http.post(up, "/api/show", "{\"model\":\"qwen2.5:0.5b\"}", null).body());
        assertThat(other.get("model_info").get("llama.context_length").asInt()).isEqualTo(ModelCatalog.DEFAULT_CONTEXT);
    }

    @Test
    void chatStreamsNdjsonByDefaultAndEndsWithDoneStatistics() throws Exception {
        HttpResponse<String> r = Http.post(up, "/api/chat", chat("qwen2.5:0.5b", "hello ollama", ""), null);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/x-ndjson");
        List<JsonNode> lines = Http.ndjson(r.body());
        JsonNode done = lines.get(lines.size() - 1);
        assertThat(done.get("done").asBoolean()).isTrue();
        assertThat(done.get("done_reason").asText()).isEqualTo("stop");
        assertThat(done.get("prompt_eval_count").asInt()).isEqualTo(2);
        assertThat(done.get("eval_count").asInt()).isEqualTo(lines.size() - 1);
        assertThat(done.get("total_duration").asLong()).isGreaterThan(done.get("eval_duration").asLong());
        StringBuilder text = new StringBuilder();
        for (JsonNode l : lines.subList(0, lines.size() - 1)) {
            assertThat(l.get("done").asBoolean()).isFalse();
            text.append(l.at("/message/content").asText());
        }
        assertThat(text.toString()).isEqualTo("Echo: hello ollama. " + ReplyPlanner.FILLER);
    }

    @Test
    void nonStreamChatHonoursNumPredictAndStop() throws Exception {
        JsonNode limited = json(Http.post(up, "/api/chat",
                chat("qwen2.5:0.5b", "a b c", "\"stream\":false,\"options\":{\"num_predict\":2}"), null).body());
        assertThat(limited.at("/message/content").asText()).isEqualTo("Echo: a");
        assertThat(limited.get("done_reason").asText()).isEqualTo("length");
        assertThat(limited.get("eval_count").asInt()).isEqualTo(2);

        JsonNode stopped = json(Http.post(up, "/api/chat",
                chat("qwen2.5:0.5b", "a b c", "\"stream\":false,\"options\":{\"stop\":[\"b\"]}"), null).body());
        assertThat(stopped.at("/message/content").asText()).isEqualTo("Echo: a");
        assertThat(stopped.get("done_reason").asText()).isEqualTo("stop");
    }

    @Test
    void toolCallArgumentsAreAnObjectWithoutId() throws Exception {
        String tools = "\"stream\":false,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
        JsonNode root = json(Http.post(up, "/api/chat", chat("qwen2.5:0.5b", "weather", tools), null).body());
        JsonNode call = root.at("/message/tool_calls/0");
        assertThat(call.has("id")).isFalse();
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(call.at("/function/arguments").isObject()).isTrue();
        assertThat(call.at("/function/arguments/city").asText()).isEqualTo("Oslo");
    }

    @Test
    void formatJsonGivesJsonContent() throws Exception {
        JsonNode root = json(Http.post(up, "/api/chat",
                chat("qwen2.5:0.5b", "json pls", "\"stream\":false,\"format\":\"json\""), null).body());
        assertThat(json(root.at("/message/content").asText()).get("reply").asText()).startsWith("Echo: json pls");
    }

    @Test
    void unknownModelIs404WithBareErrorString() throws Exception {
        HttpResponse<String> r = Http.post(up, "/api/chat", chat("mistral", "x", ""), null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r.body()).get("error").asText()).isEqualTo("model 'mistral' not found");
    }

    @Test
    void overLongPromptIsSilentlyTruncatedNotRejected() throws Exception {
        JsonNode root = json(Http.post(up, "/api/chat",
                chat("llama3.2", "one two three four five six seven", "\"stream\":false"), null).body());
        assertThat(root.get("done").asBoolean()).isTrue();
        assertThat(root.get("prompt_eval_count").asInt()).isEqualTo(4);
        // num_ctx in the request wins over the configured window
        JsonNode wider = json(Http.post(up, "/api/chat", chat("llama3.2", "one two three four five six seven",
                "\"stream\":false,\"options\":{\"num_ctx\":100}"), null).body());
        assertThat(wider.get("prompt_eval_count").asInt()).isEqualTo(7);
    }

    @Test
    void generateUsesResponseField() throws Exception {
        List<JsonNode> lines = Http.ndjson(Http.post(up, "/api/generate",
                "{\"model\":\"qwen2.5:0.5b\",\"prompt\":\"why sky\"}", null).body());
        assertThat(lines.get(0).get("response").asText()).isEqualTo("Echo:");
        assertThat(lines.get(lines.size() - 1).get("done").asBoolean()).isTrue();
    }

    @Test
    void openAiCompatLayerUnderV1AcceptsAnyKeyAndUsesTheEnvelope() throws Exception {
        HttpResponse<String> r = Http.post(up, "/v1/chat/completions", chat("llama3.2", "compat",
                "\"stream\":true,\"stream_options\":{\"include_usage\":true}"), "whatever");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = Http.sseData(r.body());
        assertThat(data).last().isEqualTo("[DONE]");
        JsonNode usage = json(data.get(data.size() - 2));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(1);

        HttpResponse<String> missing = Http.post(up, "/v1/chat/completions", chat("nope", "x", ""), null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing.body()).at("/error/type").asText()).isEqualTo("not_found_error");

        JsonNode models = json(Http.get(up, "/v1/models").body());
        assertThat(models.at("/data/0/owned_by").asText()).isEqualTo("library");
    }

    @Test
    void errorEventMidStreamIsAnErrorLineWithStatus200() throws Exception {
        up.faults().next(Fault.errorEventMidStream(2));
        HttpResponse<String> r = Http.post(up, "/api/chat", chat("qwen2.5:0.5b", "x", ""), null);
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> lines = Http.ndjson(r.body());
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2).get("error").asText()).isNotEmpty();
        assertThat(lines).noneSatisfy(l -> assertThat(l.path("done").asBoolean()).isTrue());
    }

    @Test
    void rateLimitIsABareErrorWithRetryAfter() throws Exception {
        up.faults().next(Fault.rateLimited(3));
        HttpResponse<String> r = Http.post(up, "/api/chat", chat("qwen2.5:0.5b", "x", ""), null);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("3");
        assertThat(json(r.body()).get("error").isTextual()).isTrue();
    }

    @Test
    void embedReturnsOneVectorPerInput() throws Exception {
        JsonNode root = json(Http.post(up, "/api/embed",
                "{\"model\":\"qwen2.5:0.5b\",\"input\":[\"a\",\"b c\"]}", null).body());
        assertThat(root.get("embeddings")).hasSize(2);
        assertThat(root.at("/embeddings/0")).hasSize(Embeddings.DEFAULT_DIMENSIONS);
        assertThat(root.get("prompt_eval_count").asInt()).isEqualTo(3);
    }
}
