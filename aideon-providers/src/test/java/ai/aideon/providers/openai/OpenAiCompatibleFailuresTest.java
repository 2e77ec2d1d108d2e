package ai.aideon.providers.openai;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.TestCalls;
import ai.aideon.testkit.FakeUpstream;
import ai.aideon.testkit.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static ai.aideon.providers.TestCalls.call;
import static ai.aideon.providers.TestCalls.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Timeout(10)
class OpenAiCompatibleFailuresTest {
    private static final String KEY = "sk-proj-SUPERSECRETabcdef1234567890";

    private FakeUpstream upstream;
    private OpenAiCompatibleProvider provider;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.openAi().apiKey(KEY).models("m1").contextWindow("m1", 20).start();
        provider = new OpenAiCompatibleProvider(TestCalls.settings("openai", upstream.baseUrl() + "/v1", KEY));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private ProviderException chatFails() {
        return catchThrowableOfType(ProviderException.class, () -> provider.chat(call(user("hi").build(), "m1")));
    }

    @Test
    void rateLimitedCarriesRetryAfter() {
        upstream.faults().next(Fault.rateLimited(7));
        ProviderException e = chatFails();
        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.upstreamStatus()).isEqualTo(429);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.getMessage()).contains("rate_limit_exceeded").contains("request-id req_");
    }

    @Test
    void rateLimitedWithoutRetryAfterHasNone() {
        upstream.faults().next(Fault.rateLimited(0));
        ProviderException e = chatFails();
        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryAfter()).isEmpty();
    }

    @Test
    void overloadedServerErrorGatewayTimeout() {
        upstream.faults().next(Fault.overloaded()).next(Fault.serverError()).next(Fault.gatewayTimeout());
        ProviderException overloaded = chatFails();
        ProviderException server = chatFails();
        ProviderException timeout = chatFails();
        assertThat(overloaded.kind()).isEqualTo(Kind.OVERLOADED);
        assertThat(overloaded.upstreamStatus()).isEqualTo(503);
        assertThat(server.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(server.upstreamStatus()).isEqualTo(500);
        assertThat(timeout.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(timeout.upstreamStatus()).isEqualTo(504);
    }

    @Test
    void invalidKeyIsAuth() {
        upstream.faults().next(Fault.invalidKey());
        ProviderException e = chatFails();
        assertThat(e.kind()).isEqualTo(Kind.AUTH);
        assertThat(e.upstreamStatus()).isEqualTo(401);
    }

    @Test
    void keyEchoedByTheUpstreamNeverReachesTheMessage() {
        upstream.apiKey("some-other-key");
        ProviderException e = chatFails();
        assertThat(e.kind()).isEqualTo(Kind.AUTH);
        assertThat(e.getMessage()).contains("Incorrect API key provided").doesNotContain(KEY)
                .doesNotContain("SUPERSECRET").doesNotContain("7890");
        assertThat(e.toString()).doesNotContain(KEY);
    }

    @Test
    void unknownModelIsNotFound() {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user("hi").build(), "no-such-model")));
        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(e.upstreamStatus()).isEqualTo(404);
    }

    @Test
    void promptOverTheWindowIsContextLength() {
        String longPrompt = "word ".repeat(40);
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user(longPrompt).build(), "m1")));
        assertThat(e.kind()).isEqualTo(Kind.CONTEXT_LENGTH);
        assertThat(e.param()).contains("messages");
    }

    @Test
    void connectionResetIsUnavailable() {
        upstream.faults().next(Fault.connectionReset());
        ProviderException e = chatFails();
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.upstreamStatus()).isZero();
    }

    @Test
    void connectionRefusedIsUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        OpenAiCompatibleProvider nowhere = new OpenAiCompatibleProvider(
                TestCalls.settings("openai", "http://127.0.0.1:" + port + "/v1", KEY));
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> nowhere.chat(call(user("hi").build(), "m1")));
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("connection refused");
    }

    @Test
    void slowFirstByteTimesOut() {
        upstream.faults().next(Fault.delayFirstByte(Duration.ofSeconds(20)));
        long start = System.nanoTime();
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.stream(call(user("hi").stream().build(), "m1", Duration.ofMillis(200))));
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void streamThatGoesQuietTimesOut() throws Exception {
        upstream.faults().next(Fault.slowBody(Duration.ofSeconds(20)));
        ChatStream stream = provider.stream(call(user("one two three").stream().build(), "m1",
                Duration.ofMillis(250)));
        assertThat(stream.next()).isNotNull();
        long start = System.nanoTime();
        ProviderException e = catchThrowableOfType(ProviderException.class, stream::next);
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void slowNonStreamBodyTimesOut() {
        upstream.faults().next(Fault.slowBody(Duration.ofMillis(300)));
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(call(user("hi").build(), "m1", Duration.ofMillis(400))));
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void streamCutBeforeDoneIsAFailureNotAnEnd() throws Exception {
        upstream.faults().next(Fault.abortMidStream(3));
        ChatStream stream = provider.stream(call(user("one two three four five").stream().build(), "m1"));
        List<ChatChunk> got = new ArrayList<>();
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> {
            ChatChunk c;
            while ((c = stream.next()) != null) {
                got.add(c);
            }
        });
        // Up to three events arrive; the JDK client may drop buffered ones once it sees the connection die.
        assertThat(got).hasSizeBetween(1, 3);
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("before [DONE]");
        // A broken stream stays broken.
        assertThat(catchThrowableOfType(ProviderException.class, stream::next)).isSameAs(e);
    }

    @Test
    void truncatedNonStreamBodyIsUnavailable() {
        upstream.faults().next(Fault.abortMidStream(0));
        ProviderException e = chatFails();
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void errorEventInsideTheStreamBecomesAnException() throws Exception {
        upstream.faults().next(Fault.errorEventMidStream(2));
        ChatStream stream = provider.stream(call(user("one two three four").stream().build(), "m1"));
        assertThat(stream.next()).isNotNull();
        assertThat(stream.next()).isNotNull();
        ProviderException e = catchThrowableOfType(ProviderException.class, stream::next);
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("server_error").contains("error in stream");
    }

    @Test
    void errorEventFaultOnNonStreamIsAServerError() {
        upstream.faults().next(Fault.errorEventMidStream(1));
        assertThat(chatFails().upstreamStatus()).isEqualTo(500);
    }
}
