package ai.aideon.providers.ollama;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ContentPart;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.core.api.ToolChoice;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.TestCalls;
import ai.aideon.testkit.FakeUpstream;
import ai.aideon.testkit.Fault;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static ai.aideon.providers.TestCalls.call;
import static ai.aideon.providers.TestCalls.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Timeout(10)
class OllamaProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeUpstream upstream;
    private OllamaProvider provider;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.ollama().models("llama3.2").start();
        ProviderSettings s = TestCalls.settings("ollama", upstream.baseUrl(), null);
        provider = new OllamaProvider(new ProviderSettings(s.name(), s.type(), s.source(), s.baseUrl(), s.apiKey(),
                s.connectTimeout(), Map.of("num_ctx", "catalog", "keep_alive", "10m")));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private JsonNode lastBody() throws Exception {
        return JSON.readTree(upstream.requests().get(upstream.requests().size() - 1).body());
    }

    @Test
    void chatSetsStreamFalseAndReadsUsageFromCounts() throws Exception {
        ChatResponse r = provider.chat(call(user("hello ollama friend").maxTokens(50).temperature(0.1).seed(3)
                .stop("zzz").build(), "llama3.2"));

        assertThat(r.firstText()).isEqualTo("Echo: hello ollama friend. This reply comes from a fake upstream.");
        assertThat(r.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(r.usage().promptTokens()).isEqualTo(3);
        assertThat(r.usage().completionTokens()).isEqualTo(11);
        assertThat(r.model()).isEqualTo("llama3.2");
        assertThat(r.created()).isPositive();

        assertThat(upstream.requests().get(0).path()).isEqualTo("/api/chat");
        assertThat(upstream.requests().get(0).header("authorization")).isNull();
        JsonNode body = lastBody();
        assertThat(body.get("stream").asBoolean(true)).isFalse();
        assertThat(body.at("/options/num_predict").asInt()).isEqualTo(50);
        assertThat(body.at("/options/temperature").asDouble()).isEqualTo(0.1);
        assertThat(body.at("/options/seed").asInt()).isEqualTo(3);
        assertThat(body.at("/options/stop/0").asText()).isEqualTo("zzz");
        assertThat(body.at("/options/num_ctx").asInt()).isEqualTo(8192);
        assertThat(body.get("keep_alive").asText()).isEqualTo("10m");
    }

    @Test
    void streamReadsNdjsonAndEndsOnDone() throws Exception {
        List<ChatChunk> chunks = TestCalls.drain(provider.stream(call(user("stream it").stream().build(),
                "llama3.2")));

        assertThat(TestCalls.text(chunks)).isEqualTo("Echo: stream it. This reply comes from a fake upstream.");
        assertThat(chunks.get(0).choices().get(0).role()).isEqualTo("assistant");
        ChatChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(last.usage().promptTokens()).isEqualTo(2);
        assertThat(last.usage().completionTokens()).isEqualTo(10);
        assertThat(lastBody().get("stream").asBoolean()).isTrue();
    }

    @Test
    void maxTokensEndsWithLength() throws Exception {
        ChatResponse r = provider.chat(call(user("a b c d e").maxTokens(2).build(), "llama3.2"));
        assertThat(r.choices().get(0).finishReason()).isEqualTo("length");
        assertThat(r.usage().completionTokens()).isEqualTo(2);
    }

    @Test
    void toolCallArgumentsObjectBecomesAStringWithMintedIds() throws Exception {
        ChatResponse r = provider.chat(call(user("weather?").tools(TestCalls.WEATHER).build(), "llama3.2"));

        ToolCall tc = r.choices().get(0).message().toolCalls().get(0);
        assertThat(tc.id()).isEqualTo("call_0");
        assertThat(tc.name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(tc.argumentsJson()).get("city").asText()).isEqualTo("Oslo");
        assertThat(r.choices().get(0).finishReason()).isEqualTo("tool_calls");
        assertThat(lastBody().at("/tools/0/function/name").asText()).isEqualTo("get_weather");
    }

    @Test
    void toolCallsStreamAsOneDeltaEach() throws Exception {
        List<ChatChunk> chunks = TestCalls.drain(provider.stream(call(user("weather?").tools(TestCalls.WEATHER)
                .stream().build(), "llama3.2")));

        List<ToolCallDelta> deltas = chunks.stream().flatMap(c -> c.choices().stream())
                .flatMap(d -> d.toolCalls().stream()).toList();
        assertThat(deltas).hasSize(1);
        assertThat(deltas.get(0).id()).isEqualTo("call_0");
        assertThat(JSON.readTree(deltas.get(0).argumentsFragment()).get("city").asText()).isEqualTo("Oslo");
        assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void toolHistoryIsSentWithArgumentObjectsAndToolNames() throws Exception {
        List<ChatMessage> history = List.of(ChatMessage.of("user", "weather?"),
                ChatMessage.assistant(null, List.of(new ToolCall("call_0", "get_weather", "{\"city\":\"Oslo\"}"))),
                new ChatMessage("tool", List.of(new ContentPart.Text("sunny")), null, null, "call_0", null));
        ChatResponse r = provider.chat(call(new TestCalls.Req().messages(history).tools(TestCalls.WEATHER).build(),
                "llama3.2"));

        JsonNode messages = lastBody().get("messages");
        assertThat(messages.at("/1/tool_calls/0/function/arguments/city").asText()).isEqualTo("Oslo");
        assertThat(messages.at("/2/tool_name").asText()).isEqualTo("get_weather");
        assertThat(r.firstText()).startsWith("Echo: sunny");
    }

    @Test
    void toolChoiceNoneSendsNoTools() throws Exception {
        provider.chat(call(user("hi").tools(TestCalls.WEATHER).toolChoice(ToolChoice.of("none")).build(), "llama3.2"));
        assertThat(lastBody().has("tools")).isFalse();
    }

    @Test
    void jsonFormats() throws Exception {
        ChatResponse json = provider.chat(call(user("hi").format(ResponseFormat.jsonObject()).build(), "llama3.2"));
        assertThat(lastBody().get("format").asText()).isEqualTo("json");
        assertThat(JSON.readTree(json.firstText()).isObject()).isTrue();

        String schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"]}";
        ChatResponse structured = provider.chat(call(user("hi").format(
                new ResponseFormat("json_schema", "x", schema, true)).build(), "llama3.2"));
        assertThat(lastBody().at("/format/required/0").asText()).isEqualTo("name");
        assertThat(JSON.readTree(structured.firstText()).has("name")).isTrue();
    }

    @Test
    void inlineImagesAreStrippedToBase64() throws Exception {
        ChatMessage m = new ChatMessage("user", List.of(new ContentPart.Text("what is this"),
                new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", null)), null, null, null, null);
        provider.chat(call(new TestCalls.Req().messages(List.of(m)).build(), "llama3.2"));
        assertThat(lastBody().at("/messages/0/images/0").asText()).isEqualTo("iVBORw0KGgo=");
        assertThat(lastBody().at("/messages/0/content").asText()).isEqualTo("what is this");
    }

    @Test
    void remoteImagesAndSeveralChoicesAreBadRequests() {
        ChatMessage m = new ChatMessage("user", List.of(new ContentPart.Image("https://example.com/a.png", null)),
                null, null, null, null);
        ProviderException image = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(new TestCalls.Req().messages(List.of(m)).build(), "llama3.2")));
        ProviderException n = catchThrowableOfType(ProviderException.class,
                () -> provider.stream(call(user("hi").n(2).stream().build(), "llama3.2")));
        assertThat(image.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(image.getMessage()).contains("ollama accepts inline images only");
        assertThat(n.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(n.param()).contains("n");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void legacyPromptUsesGenerate() throws Exception {
        ChatResponse r = provider.chat(call(user("complete this").legacy().build(), "llama3.2"));
        assertThat(upstream.requests().get(0).path()).isEqualTo("/api/generate");
        assertThat(lastBody().get("prompt").asText()).isEqualTo("complete this");
        assertThat(r.firstText()).isEqualTo("Echo: complete this. This reply comes from a fake upstream.");

        List<ChatChunk> chunks = TestCalls.drain(provider.stream(call(user("complete this").legacy().stream().build(),
                "llama3.2")));
        assertThat(TestCalls.text(chunks)).isEqualTo(r.firstText());
    }

    @Test
    void unknownModelIsNotFound() {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user("hi").build(), "mistral")));
        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(e.getMessage()).contains("model 'mistral' not found");
    }

    @Test
    void statusFaults() {
        upstream.faults().next(Fault.rateLimited(2)).next(Fault.serverError()).next(Fault.overloaded())
                .next(Fault.gatewayTimeout());
        List<Kind> kinds = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            kinds.add(catchThrowableOfType(ProviderException.class,
                    () -> provider.chat(call(user("hi").build(), "llama3.2"))).kind());
        }
        assertThat(kinds).containsExactly(Kind.RATE_LIMITED, Kind.UNAVAILABLE, Kind.OVERLOADED, Kind.TIMEOUT);
    }

    @Test
    void errorLineMidStreamFails() throws Exception {
        upstream.faults().next(Fault.errorEventMidStream(2));
        ChatStream stream = provider.stream(call(user("a b c d e").stream().build(), "llama3.2"));
        stream.next();
        stream.next();
        ProviderException e = catchThrowableOfType(ProviderException.class, stream::next);
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("unexpected EOF");
    }

    @Test
    void streamCutBeforeDoneFails() throws Exception {
        upstream.faults().next(Fault.abortMidStream(2));
        ChatStream stream = provider.stream(call(user("a b c d e").stream().build(), "llama3.2"));
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> {
            while (stream.next() != null) {
                // lines buffered before the cut may be dropped by the JDK client; only the failure matters
            }
        });
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("done:true");
    }

    @Test
    void delayedFirstByteAndQuietStreamTimeOut() throws Exception {
        upstream.faults().next(Fault.delayFirstByte(Duration.ofSeconds(2))).next(Fault.slowBody(Duration.ofSeconds(2)));
        ProviderException first = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user("hi").build(), "llama3.2", Duration.ofMillis(200))));
        assertThat(first.kind()).isEqualTo(Kind.TIMEOUT);

        ChatStream stream = provider.stream(call(user("a b c").stream().build(), "llama3.2", Duration.ofMillis(200)));
        stream.next();
        assertThat(catchThrowableOfType(ProviderException.class, stream::next).kind()).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void connectionResetIsUnavailable() {
        upstream.faults().next(Fault.connectionReset());
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user("hi").build(), "llama3.2")));
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void invalidNumCtxOptionIsRejectedAtConstruction() {
        ProviderSettings s = TestCalls.settings("ollama", upstream.baseUrl(), null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OllamaProvider(new ProviderSettings(s.name(),
                        s.type(), s.source(), s.baseUrl(), s.apiKey(), s.connectTimeout(), Map.of("num_ctx", "lots"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_ctx");
    }
}
