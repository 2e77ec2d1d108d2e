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

class OpenAiFlavourTest {

    static FakeUpstream up;

    @BeforeAll
    static void start() {
        up = FakeUpstream.openAi().models("gpt-4o-mini", "small").contextWindow("small", 5).start();
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
    void chatEchoesTheLastUserMessageWithWordTokenUsage() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hello there world\"}]}]}";
        HttpResponse<String> r = Http.post(up, "/v1/chat/completions", body);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.headers().firstValue("x-request-id")).hasValueSatisfying(v -> assertThat(v).startsWith("req_"));
        JsonNode root = json(r.body());
        assertThat(root.get("object").asText()).isEqualTo("chat.completion");
        assertThat(root.get("id").asText()).startsWith("chatcmpl-");
        JsonNode choice = root.get("choices").get(0);
        String content = choice.get("message").get("content").asText();
        assertThat(content).isEqualTo("Echo: hello there world. " + ReplyPlanner.FILLER);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = root.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(5); // "be brief" + "hello there world"
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(content.split(" ").length);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(5 + content.split(" ").length);
        assertThat(usage.get("prompt_tokens_details").get("cached_tokens").asInt()).isZero();
    }

    @Test
    void maxTokensTruncatesWithFinishLengthAndStopCutsBeforeTheMatch() throws Exception {
        JsonNode limited = json(Http.post(up, "/v1/chat/completions",
                chatBody("gpt-4o-mini", "alpha beta gamma", "\"max_completion_tokens\":3")).body());
        assertThat(limited.at("/choices/0/message/content").asText()).isEqualTo("Echo: alpha beta");
        assertThat(limited.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(limited.at("/usage/completion_tokens").asInt()).isEqualTo(3);

        JsonNode stopped = json(Http.post(up, "/v1/chat/completions",
                chatBody("gpt-4o-mini", "alpha beta gamma", "\"stop\":[\"gamma\"]")).body());
        assertThat(stopped.at("/choices/0/message/content").asText()).isEqualTo("Echo: alpha beta");
        assertThat(stopped.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void nProducesSeveralChoices() throws Exception {
        JsonNode root = json(Http.post(up, "/v1/chat/completions", chatBody("gpt-4o-mini", "hi", "\"n\":3")).body());
        assertThat(root.get("choices")).hasSize(3);
        assertThat(root.at("/choices/2/index").asInt()).isEqualTo(2);
        int perChoice = root.at("/choices/0/message/content").asText().split(" ").length;
        assertThat(root.at("/usage/completion_tokens").asInt()).isEqualTo(3 * perChoice);
    }

    @Test
    void streamingSendsRoleThenOneWordPerChunkThenFinishUsageAndDone() throws Exception {
        HttpResponse<String> r = Http.post(up, "/v1/chat/completions", chatBody("gpt-4o-mini", "stream me",
                "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        List<String> data = Http.sseData(r.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(Http::json).toList();

        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").asText()).isEqualTo(chunks.get(0).get("id").asText());
        });
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) if (c.get("choices").size() > 0) text.append(c.at("/choices/0/delta/content").asText(""));
        assertThat(text.toString()).isEqualTo("Echo: stream me. " + ReplyPlanner.FILLER);

        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.get("usage").isNull()).isTrue(); // with include_usage every earlier chunk has usage:null
        JsonNode usageChunk = chunks.get(chunks.size() - 1);
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.at("/usage/completion_tokens").asInt()).isEqualTo(text.toString().split(" ").length);
    }

    @Test
    void streamingWithoutIncludeUsageHasNoUsage() throws Exception {
        String body = Http.post(up, "/v1/chat/completions", chatBody("gpt-4o-mini", "x", "\"stream\":true")).body();
        List<String> data = Http.sseData(body);
        assertThat(data).last().isEqualTo("[DONE]");
        assertThat(data.subList(0, data.size() - 1)).allSatisfy(d -> assertThat(json(d).has("usage")).isFalse());
    }

    @Test
    void toolsProduceAToolCallWithStringArgumentsFromRequiredProperties() throws Exception {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"},"
                + "\"metric\":{\"type\":\"boolean\"},\"note\":{\"type\":\"string\"}},"
                + "\"required\":[\"city\",\"days\",\"metric\"]}}}]";
        JsonNode root = json(Http.post(up, "/v1/chat/completions", chatBody("gpt-4o-mini", "weather?", tools)).body());
        JsonNode choice = root.at("/choices/0");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/content").isNull()).isTrue();
        JsonNode call = choice.at("/message/tool_calls/0");
        assertThat(call.get("id").asText()).startsWith("call_");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        JsonNode args = call.at("/function/arguments");
        assertThat(args.isTextual()).isTrue();
        assertThat(json(args.asText()).toString()).isEqualTo("{\"city\":\"Oslo\",\"days\":1,\"metric\":true}");
    }

    @Test
    void streamedToolCallNamesTheCallFirstThenAppendsArguments() throws Exception {
        String tools = "\"stream\":true,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\"}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"query\":{\"type\":\"string\"}},\"required\":[\"query\"]}}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}";
        List<String> data = Http.sseData(Http.post(up, "/v1/chat/completions", chatBody("gpt-4o-mini", "q", tools)).body());
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(Http::json).toList();

        JsonNode first = chunks.get(1).at("/choices/0/delta/tool_calls/0");
        assertThat(first.get("index").asInt()).isZero();
        assertThat(first.get("id").asText()).startsWith("call_");
        assertThat(first.at("/function/name").asText()).isEqualTo("lookup");
        assertThat(first.at("/function/arguments").asText()).isEmpty();
        StringBuilder args = new StringBuilder();
        for (JsonNode c : chunks.subList(2, chunks.size() - 1)) {
            JsonNode tc = c.at("/choices/0/delta/tool_calls/0");
            assertThat(tc.has("id")).isFalse();
            args.append(tc.at("/function/arguments").asText());
        }
        assertThat(args.toString()).isEqualTo("{\"query\":\"Oslo\"}");
        assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void afterAToolResultTheModelAnswersInTextAndToolChoiceNoneSuppressesCalls() throws Exception {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";
        String afterTool = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny 20C\"}]," + tools + "}";
        JsonNode root = json(Http.post(up, "/v1/chat/completions", afterTool).body());
        assertThat(root.at("/choices/0/message/content").asText()).startsWith("Echo: sunny 20C");
        assertThat(root.at("/choices/0/finish_reason").asText()).isEqualTo("stop");

        JsonNode none = json(Http.post(up, "/v1/chat/completions",
                chatBody("gpt-4o-mini", "hi", tools + ",\"tool_choice\":\"none\"")).body());
        assertThat(none.at("/choices/0/message/tool_calls").isMissingNode()).isTrue();
    }

    @Test
    void responseFormatsYieldValidJson() throws Exception {
        JsonNode obj = json(Http.post(up, "/v1/chat/completions",
                chatBody("gpt-4o-mini", "give json", "\"response_format\":{\"type\":\"json_object\"}")).body());
        assertThat(json(obj.at("/choices/0/message/content").asText()).get("reply").asText()).startsWith("Echo: give json");

        String schema = "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"p\",\"schema\":"
                + "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"tags\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"string\"}},\"kind\":{\"enum\":[\"a\",\"b\"]}},\"required\":[\"name\",\"tags\",\"kind\"]}}}";
        JsonNode structured = json(Http.post(up, "/v1/chat/completions", chatBody("gpt-4o-mini", "x", schema)).body());
        assertThat(json(structured.at("/choices/0/message/content").asText()).toString())
                .isEqualTo("{\"name\":\"Oslo\",\"tags\":[\"Oslo\"],\"kind\":\"a\"}");
    }

    @Test
    void missingOrWrongKeyGets401InvalidApiKey() throws Exception {
        for (String key : new String[] {null, "sk-wrong-key-123456"}) {
            HttpResponse<String> r = Http.post(up, "/v1/chat/completions", chatBody("gpt-4o-mini", "x", ""), key);
            assertThat(r.statusCode()).isEqualTo(401);
            JsonNode error = json(r.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.has("param")).isTrue();
            assertThat(error.get("message").asText()).doesNotContain("sk-wrong-key-123456");
        }
    }

    @Test
    void unknownModelGets404ModelNotFound() throws Exception {
        HttpResponse<String> r = Http.post(up, "/v1/chat/completions", chatBody("gpt-9", "x", ""));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void promptLongerThanTheContextWindowGets400ContextLengthExceeded() throws Exception {
        HttpResponse<String> r = Http.post(up, "/v1/chat/completions", chatBody("small", "one two three four five six", ""));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = json(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error.get("param").asText()).isEqualTo("messages");
        assertThat(error.get("message").asText()).contains("maximum context length is 5 tokens");

        // Fits, but only 2 tokens of room are left: the answer is cut with finish_reason length.
        JsonNode fits = json(Http.post(up, "/v1/chat/completions", chatBody("small", "one two three", "")).body());
        assertThat(fits.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(fits.at("/usage/completion_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void malformedJsonAndMissingMessagesAre400InvalidRequest() throws Exception {
        HttpResponse<String> bad = Http.post(up, "/v1/chat/completions", "{not json");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");

        HttpResponse<String> missing = Http.post(up, "/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing.body()).at("/error/param").asText()).isEqualTo("messages");
    }

    @Test
    void modelsListingIsAnOpenAiListAndSingleLookup404sForUnknownIds() throws Exception {
        HttpResponse<String> r = Http.get(up, "/v1/models");
        JsonNode root = json(r.body());
        assertThat(root.get("object").asText()).isEqualTo("list");
        assertThat(root.get("data").findValuesAsText("id")).containsExactly("gpt-4o-mini", "small");
        assertThat(root.at("/data/1/max_model_len").asInt()).isEqualTo(5);
        assertThat(json(Http.get(up, "/v1/models/gpt-4o-mini").body()).get("owned_by").asText()).isEqualTo("system");
        assertThat(Http.get(up, "/v1/models/nope").statusCode()).isEqualTo(404);
        assertThat(Http.get(up, "/v1/nowhere").statusCode()).isEqualTo(404);
    }

    @Test
    void legacyCompletionsUseTextCompletionShapeAndStreamWithDone() throws Exception {
        JsonNode root = json(Http.post(up, "/v1/completions",
                "{\"model\":\"gpt-4o-mini\",\"prompt\":\"say this\",\"max_tokens\":4}").body());
        assertThat(root.get("object").asText()).isEqualTo("text_completion");
        assertThat(root.at("/choices/0/text").asText()).isEqualTo("Echo: say this. This");
        assertThat(root.at("/choices/0/finish_reason").asText()).isEqualTo("length");

        String body = Http.post(up, "/v1/completions", "{\"model\":\"gpt-4o-mini\",\"prompt\":\"hi\",\"stream\":true}").body();
        List<String> data = Http.sseData(body);
        assertThat(data).last().isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode c = json(d);
            assertThat(c.get("object").asText()).isEqualTo("text_completion");
            text.append(c.at("/choices/0/text").asText());
        }
        assertThat(text.toString()).isEqualTo("Echo: hi. " + ReplyPlanner.FILLER);
    }

    @Test
    void embeddingsAreDeterministicUnitVectors() throws Exception {
        String req = "{\"model\":\"gpt-4o-mini\",\"input\":[\"a b\",\"a b\",\"c\"],\"dimensions\":4}";
        JsonNode root = json(Http.post(up, "/v1/embeddings", req).body());
        assertThat(root.get("data")).hasSize(3);
        assertThat(root.at("/data/0/embedding")).isEqualTo(root.at("/data/1/embedding")).hasSize(4);
        assertThat(root.at("/data/0/embedding")).isNotEqualTo(root.at("/data/2/embedding"));
        assertThat(root.at("/usage/prompt_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void embeddingInputLongerThanTheWindowIsRejected() throws Exception {
        HttpResponse<String> r = Http.post(up, "/v1/embeddings",
                "{\"model\":\"small\",\"input\":[\"fits\",\"one two three four five six\"]}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = json(r.body()).get("error");
        assertThat(error.get("message").asText()).startsWith("This model's maximum context length is 5 tokens")
                .contains("you requested 6 tokens");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").isNull()).isTrue();
        assertThat(Http.post(up, "/v1/embeddings", "{\"model\":\"small\",\"input\":\"one two three four five\"}")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void requestsAreRecordedWithLowerCaseHeaderNames() throws Exception {
        FakeUpstream own = FakeUpstream.openAi().start();
        try (own) {
            Http.post(own, "/v1/chat/completions?trace=1", chatBody("any-model", "rec", ""));
            assertThat(own.requestCount()).isEqualTo(1);
            RecordedRequest rec = own.requests().get(0);
            assertThat(rec.method()).isEqualTo("POST");
            assertThat(rec.path()).isEqualTo("/v1/chat/completions?trace=1");
            assertThat(rec.headers()).containsEntry("authorization", "Bearer test-key");
            assertThat(rec.header("Content-Type")).isEqualTo("application/json");
            assertThat(rec.body()).contains("\"rec\"");
        }
    }

    @Test
    void authCanBeDisabledAndHealthNeedsNoKey() throws Exception {
        try (FakeUpstream open = FakeUpstream.openAi().apiKey(null).start()) {
            assertThat(Http.post(open, "/v1/chat/completions", chatBody("m", "x", ""), null).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> health = Http.CLIENT.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(up.baseUrl() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health.body()).get("status").asText()).isEqualTo("ok");
    }
}
