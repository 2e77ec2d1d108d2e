package ai.aideon.providers.openai;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ContentPart;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.core.api.ToolChoice;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.providers.TestCalls;
import ai.aideon.testkit.FakeUpstream;
import ai.aideon.testkit.RecordedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static ai.aideon.providers.TestCalls.call;
import static ai.aideon.providers.TestCalls.user;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class OpenAiCompatibleProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeUpstream upstream;
    private OpenAiCompatibleProvider provider;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.openAi().apiKey("sk-test-key").start();
        provider = new OpenAiCompatibleProvider(TestCalls.settings("openai", upstream.baseUrl() + "/v1",
                "sk-test-key"));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private JsonNode lastBody() throws Exception {
        List<RecordedRequest> requests = upstream.requests();
        return JSON.readTree(requests.get(requests.size() - 1).body());
    }

    @Test
    void chatTranslatesBothWaysAndUsesTheUpstreamModelId() throws Exception {
        ChatResponse r = provider.chat(call(user("hello there gateway").maxTokens(50).stop("zzz").seed(7)
                .temperature(0.2).build(), "gpt-4o-mini"));

        assertThat(r.firstText()).isEqualTo("Echo: hello there gateway. This reply comes from a fake upstream.");
        assertThat(r.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(r.usage().promptTokens()).isEqualTo(3);
        assertThat(r.usage().completionTokens()).isEqualTo(11);
        assertThat(r.model()).isEqualTo("gpt-4o-mini");
        assertThat(r.systemFingerprint()).isEqualTo("fp_fake");

        RecordedRequest sent = upstream.requests().get(0);
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.header("authorization")).isEqualTo("Bearer sk-test-key");
        JsonNode body = lastBody();
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(50);
        assertThat(body.get("stop").isArray()).isTrue();
        assertThat(body.get("seed").asLong()).isEqualTo(7);
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.has("stream")).isFalse();
        assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("hello there gateway");
    }

    @Test
    void streamDeliversTextDeltasThenUsageAndEndsOnDone() throws Exception {
        List<ChatChunk> chunks = TestCalls.drain(provider.stream(call(user("stream me please").stream().build(),
                "m1")));

        assertThat(TestCalls.text(chunks)).isEqualTo("Echo: stream me please. This reply comes from a fake upstream.");
        assertThat(chunks.get(0).choices().get(0).role()).isEqualTo("assistant");
        ChatChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().get(0).finishReason()).isEqualTo("stop");
        ChatChunk usage = chunks.get(chunks.size() - 1);
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage().completionTokens()).isEqualTo(11);
        JsonNode body = lastBody();
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void toolCallsAreReadFromFullAnswers() throws Exception {
        ChatResponse r = provider.chat(call(user("weather in Oslo?").tools(TestCalls.WEATHER)
                .toolChoice(ToolChoice.function("get_weather")).build(), "m1"));

        ToolCall tc = r.choices().get(0).message().toolCalls().get(0);
        assertThat(tc.name()).isEqualTo("get_weather");
        assertThat(tc.id()).startsWith("call_");
        assertThat(JSON.readTree(tc.argumentsJson()).get("city").asText()).isEqualTo("Oslo");
        assertThat(r.choices().get(0).finishReason()).isEqualTo("tool_calls");
        assertThat(r.choices().get(0).message().content()).isNull();
        JsonNode body = lastBody();
        assertThat(body.at("/tools/0/type").asText()).isEqualTo("function");
        assertThat(body.at("/tools/0/function/parameters/required/0").asText()).isEqualTo("city");
        assertThat(body.at("/tool_choice/function/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void toolCallDeltasStreamIdAndNameFirstThenArguments() throws Exception {
        List<ChatChunk> chunks = TestCalls.drain(provider.stream(call(user("weather?").tools(TestCalls.WEATHER)
                .stream().build(), "m1")));

        ToolCallDelta first = chunks.stream().flatMap(c -> c.choices().stream())
                .flatMap(d -> d.toolCalls().stream()).findFirst().orElseThrow();
        assertThat(first.index()).isZero();
        assertThat(first.id()).startsWith("call_");
        assertThat(first.name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(TestCalls.toolArguments(chunks)).get("city").asText()).isEqualTo("Oslo");
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(d -> d.finishReason())
                .filter(f -> f != null)).containsExactly("tool_calls");
    }

    @Test
    void jsonSchemaIsSentAndTheAnswerIsValidJson() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}},\"required\":[\"answer\"]}";
        ChatResponse r = provider.chat(call(user("json please").format(
                new ResponseFormat("json_schema", "reply", schema, true)).build(), "m1"));

        assertThat(JSON.readTree(r.firstText()).has("answer")).isTrue();
        JsonNode body = lastBody();
        assertThat(body.at("/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(body.at("/response_format/json_schema/name").asText()).isEqualTo("reply");
        assertThat(body.at("/response_format/json_schema/schema/required/0").asText()).isEqualTo("answer");
        assertThat(body.at("/response_format/json_schema/strict").asBoolean()).isTrue();
    }

    @Test
    void jsonObjectModeIsSent() throws Exception {
        ChatResponse r = provider.chat(call(user("json").format(ResponseFormat.jsonObject()).build(), "m1"));

        assertThat(JSON.readTree(r.firstText()).isObject()).isTrue();
        assertThat(lastBody().at("/response_format/type").asText()).isEqualTo("json_object");
    }

    @Test
    void legacyPromptUsesCompletionsEndpoint() throws Exception {
        ChatResponse r = provider.chat(call(user("once upon a time").maxTokens(40).legacy().build(), "m1"));

        assertThat(upstream.requests().get(0).path()).isEqualTo("/v1/completions");
        assertThat(lastBody().get("prompt").asText()).isEqualTo("once upon a time");
        assertThat(lastBody().has("messages")).isFalse();
        assertThat(r.firstText()).isEqualTo("Echo: once upon a time. This reply comes from a fake upstream.");
        assertThat(r.choices().get(0).message().role()).isEqualTo("assistant");
        assertThat(r.usage().completionTokens()).isEqualTo(12);
    }

    @Test
    void legacyPromptStreams() throws Exception {
        List<ChatChunk> chunks = TestCalls.drain(provider.stream(call(user("once upon a time").maxTokens(3).legacy()
                .stream().build(), "m1")));

        assertThat(TestCalls.text(chunks)).isEqualTo("Echo: once upon");
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).map(d -> d.finishReason())
                .filter(f -> f != null)).containsExactly("length");
        assertThat(chunks.get(chunks.size() - 1).usage().completionTokens()).isEqualTo(3);
    }

    @Test
    void maxTokensEndsWithLength() throws Exception {
        ChatResponse r = provider.chat(call(user("a b c d e f").maxTokens(2).build(), "m1"));
        assertThat(r.firstText()).isEqualTo("Echo: a");
        assertThat(r.choices().get(0).finishReason()).isEqualTo("length");
    }

    @Test
    void severalChoices() throws Exception {
        ChatResponse r = provider.chat(call(user("twice").n(2).build(), "m1"));
        assertThat(r.choices()).extracting(c -> c.index()).containsExactly(0, 1);
        assertThat(lastBody().get("n").asInt()).isEqualTo(2);
    }

    @Test
    void imagePartsAndToolHistoryGoOutInOpenAiShape() throws Exception {
        ChatMessage withImage = new ChatMessage("user", List.of(new ContentPart.Text("what is this?"),
                new ContentPart.Image("https://example.com/cat.png", "low")), null, null, null, null);
        ChatMessage assistant = ChatMessage.assistant(null, List.of(new ToolCall("call_1", "get_weather",
                "{\"city\":\"Oslo\"}")));
        ChatMessage toolResult = new ChatMessage("tool", List.of(new ContentPart.Text("sunny")), null, null, "call_1",
                null);
        provider.chat(call(new TestCalls.Req().messages(List.of(withImage, assistant, toolResult)).build(), "m1"));

        JsonNode messages = lastBody().get("messages");
        assertThat(messages.at("/0/content/1/type").asText()).isEqualTo("image_url");
        assertThat(messages.at("/0/content/1/image_url/url").asText()).isEqualTo("https://example.com/cat.png");
        assertThat(messages.at("/0/content/1/image_url/detail").asText()).isEqualTo("low");
        assertThat(messages.at("/1/content").isNull()).isTrue();
        assertThat(messages.at("/1/tool_calls/0/function/arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(messages.at("/2/tool_call_id").asText()).isEqualTo("call_1");
    }

    @Test
    void closingAStreamEarlyIsSafe() throws Exception {
        ChatStream stream = provider.stream(call(user("one two three four").stream().build(), "m1"));
        assertThat(stream.next()).isNotNull();
        stream.close();
        stream.close();
        // The provider stays usable on its pool.
        assertThat(provider.chat(call(user("again").build(), "m1")).firstText()).startsWith("Echo: again");
    }

    @Test
    void streamWithoutUpstreamUsageGetsACountedUsageChunk() throws Exception {
        OpenAiCompatibleProvider noStreamOptions = new OpenAiCompatibleProvider(
                TestCalls.settings("openai", upstream.baseUrl() + "/v1", "sk-test-key"),
                new OpenAiDialect(false, false, "max_tokens", true), java.time.Clock.systemUTC());
        List<ChatChunk> chunks = TestCalls.drain(noStreamOptions.stream(call(user("count me").stream().build(), "m1")));

        ChatChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        String text = TestCalls.text(chunks);
        assertThat(last.usage().completionTokens())
                .isEqualTo(ai.aideon.core.route.TokenCounter.cl100k().count(text));
        assertThat(last.usage().promptTokens()).isPositive();
        assertThat(lastBody().has("stream_options")).isFalse();
    }

    @Test
    void maxTokensFieldIsConfigurable() throws Exception {
        ai.aideon.providers.ProviderSettings s = TestCalls.settings("openai", upstream.baseUrl() + "/v1", "sk-test-key");
        OpenAiCompatibleProvider reasoning = new OpenAiCompatibleProvider(new ai.aideon.providers.ProviderSettings(
                s.name(), s.type(), s.source(), s.baseUrl(), s.apiKey(), s.connectTimeout(),
                java.util.Map.of("max_tokens_field", "max_completion_tokens", "header.OpenAI-Project", "proj_1")));
        reasoning.chat(call(user("hi").maxTokens(5).build(), "o4-mini"));

        assertThat(lastBody().get("max_completion_tokens").asInt()).isEqualTo(5);
        assertThat(lastBody().has("max_tokens")).isFalse();
        assertThat(upstream.requests().get(0).header("openai-project")).isEqualTo("proj_1");
    }

    @Test
    void nextAfterCloseIsAFailureNotACleanEnd() throws Exception {
        ChatStream stream = provider.stream(call(user("one two three four").stream().build(), "m1"));
        stream.next();
        stream.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(stream::next)
                .isInstanceOf(ai.aideon.core.provider.ProviderException.class)
                .hasMessageContaining("closed by the caller");
    }
}
