package ai.aideon.providers.together;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.ProviderFactory;
import ai.aideon.providers.TestCalls;
import ai.aideon.core.provider.ChatProvider;
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

import static ai.aideon.providers.TestCalls.call;
import static ai.aideon.providers.TestCalls.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Timeout(10)
class TogetherProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo";
    private static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private FakeUpstream upstream;
    private ChatProvider provider;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.together().apiKey(KEY).start();
        provider = (ChatProvider) ProviderFactory.create(TestCalls.settings("together", upstream.baseUrl() + "/v1", KEY));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private JsonNode lastBody() throws Exception {
        return JSON.readTree(upstream.requests().get(upstream.requests().size() - 1).body());
    }

    @Test
    void factoryBuildsTheTogetherAdapter() {
        assertThat(provider).isInstanceOf(TogetherProvider.class);
        assertThat(provider.name()).isEqualTo("test-together");
    }

    @Test
    void eosFinishReasonReadsAsStop() throws Exception {
        ChatResponse r = provider.chat(call(user("hello together").stop("never").build(), MODEL));

        assertThat(r.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(r.firstText()).startsWith("Echo: hello together.");
        assertThat(r.usage().promptTokens()).isEqualTo(2);
        assertThat(r.choices().get(0).message().toolCalls()).isEmpty();
        assertThat(lastBody().get("stop").isArray()).isTrue();
        assertThat(lastBody().get("model").asText()).isEqualTo(MODEL);
    }

    @Test
    void developerMessagesGoOutAsSystem() throws Exception {
        provider.chat(call(new TestCalls.Req().messages(List.of(ChatMessage.of("developer", "be brief"),
                ChatMessage.of("user", "hi"))).build(), MODEL));
        assertThat(lastBody().at("/messages/0/role").asText()).isEqualTo("system");
    }

    @Test
    void streamHasUsageOnTheLastChunkWithTheFinishReasonAndNoStreamOptions() throws Exception {
        List<ChatChunk> chunks = TestCalls.drain(provider.stream(call(user("stream from together").stream().build(),
                MODEL)));

        ChatChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).hasSize(1);
        assertThat(last.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(last.usage()).isNotNull();
        assertThat(last.usage().completionTokens()).isEqualTo(11);
        assertThat(chunks.stream().filter(c -> c.usage() != null)).hasSize(1);
        assertThat(TestCalls.text(chunks)).isEqualTo("Echo: stream from together. This reply comes from a fake upstream.");
        assertThat(lastBody().has("stream_options")).isFalse();
        assertThat(lastBody().get("stream").asBoolean()).isTrue();
    }

    @Test
    void legacyCompletionStreamReadsCompletionChunks() throws Exception {
        List<ChatChunk> chunks = TestCalls.drain(provider.stream(call(user("tell a story").legacy().stream().build(),
                MODEL)));
        assertThat(TestCalls.text(chunks)).isEqualTo("Echo: tell a story. This reply comes from a fake upstream.");
        assertThat(chunks.get(chunks.size() - 1).usage().completionTokens()).isEqualTo(11);
        assertThat(upstream.requests().get(0).path()).isEqualTo("/v1/completions");
    }

    @Test
    void plainTextOverloadIsOverloaded() {
        upstream.faults().next(Fault.overloaded());
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user("hi").build(), MODEL)));
        assertThat(e.kind()).isEqualTo(Kind.OVERLOADED);
        assertThat(e.upstreamStatus()).isEqualTo(503);
        assertThat(e.getMessage()).contains("Service Unavailable").contains("request-id");
    }

    @Test
    void rateLimitWithoutRetryAfterFallsBackToRatelimitReset() {
        upstream.faults().next(Fault.rateLimited(0)).next(Fault.rateLimited(3));
        ProviderException noHeader = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user("hi").build(), MODEL)));
        ProviderException withHeader = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user("hi").build(), MODEL)));
        assertThat(noHeader.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(noHeader.retryAfter()).contains(Duration.ofSeconds(1));
        assertThat(noHeader.getMessage()).contains("dynamic_request_limited");
        assertThat(withHeader.retryAfter()).contains(Duration.ofSeconds(3));
    }

    @Test
    void gatewayTimeoutAndInvalidKey() {
        upstream.faults().next(Fault.gatewayTimeout()).next(Fault.invalidKey());
        ProviderException timeout = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user("hi").build(), MODEL)));
        ProviderException auth = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user("hi").build(), MODEL)));
        assertThat(timeout.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(auth.kind()).isEqualTo(Kind.AUTH);
        assertThat(auth.getMessage()).doesNotContain(KEY);
    }

    @Test
    void contextOverflowInTogethersWordsIsContextLength() {
        upstream.contextWindow(MODEL, 10);
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user("word ".repeat(30)).maxTokens(5).build(), MODEL)));
        assertThat(e.kind()).isEqualTo(Kind.CONTEXT_LENGTH);
    }

    @Test
    void streamAbortAndErrorEvent() throws Exception {
        upstream.faults().next(Fault.abortMidStream(2)).next(Fault.errorEventMidStream(1));
        ChatStream cut = provider.stream(call(user("a b c d").stream().build(), MODEL));
        ProviderException broken = catchThrowableOfType(ProviderException.class, () -> {
            while (cut.next() != null) {
                // the JDK client may drop events it buffered once the connection dies; only the failure matters
            }
        });
        assertThat(broken.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(broken.getMessage()).contains("before [DONE]");

        ChatStream errored = provider.stream(call(user("a b c d").stream().build(), MODEL));
        errored.next();
        ProviderException e = catchThrowableOfType(ProviderException.class, errored::next);
        assertThat(e.getMessage()).contains("error in stream");
    }
}
