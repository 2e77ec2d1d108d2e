package ai.aideon.testkit;

import static ai.aideon.testkit.Http.chatBody;
import static ai.aideon.testkit.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults in the OpenAI flavour (Together/Ollama renderings are covered in their flavour tests). */
class FaultInjectionTest {

    static final String STREAM = chatBody("gpt-4o-mini", "fault test", "\"stream\":true");
    static final String PLAIN = chatBody("gpt-4o-mini", "fault test", "");
    static FakeUpstream up;

    @BeforeAll
    static void start() {
        up = FakeUpstream.openAi().start();
    }

    @AfterAll
    static void stop() {
        up.close();
    }

    @BeforeEach
    void noFaults() {
        up.faults().clear();
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return Http.post(up, "/v1/chat/completions", body);
    }

    @Test
    void rateLimitedHasRetryAfterAndOpenAiHeaders() throws Exception {
        up.faults().next(Fault.rateLimited(2));
        HttpResponse<String> r = post(PLAIN);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("2");
        assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(post(PLAIN).statusCode()).as("one-shot fault is used up").isEqualTo(200);
    }

    @Test
    void rateLimitedWithZeroOmitsRetryAfter() throws Exception {
        up.faults().next(Fault.rateLimited(0));
        HttpResponse<String> r = post(PLAIN);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).isEmpty();
    }

    @Test
    void overloadedServerErrorAndInvalidKeyInOpenAiEnvelope() throws Exception {
        up.faults().next(Fault.overloaded()).next(Fault.serverError()).next(Fault.invalidKey());
        HttpResponse<String> overloaded = post(PLAIN);
        assertThat(overloaded.statusCode()).isEqualTo(503);
        assertThat(json(overloaded.body()).at("/error/type").asText()).isEqualTo("server_error");
        HttpResponse<String> server = post(PLAIN);
        assertThat(server.statusCode()).isEqualTo(500);
        assertThat(json(server.body()).at("/error/type").asText()).isEqualTo("server_error");
        HttpResponse<String> key = post(PLAIN);
        assertThat(key.statusCode()).isEqualTo(401);
        assertThat(json(key.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
    }

    @Test
    void connectionResetSurfacesAsIOException() {
        up.faults().next(Fault.connectionReset());
        int before = up.requestCount();
        assertThatThrownBy(() -> post(PLAIN)).isInstanceOf(IOException.class);
        assertThat(up.requestCount()).as("the request was read before the reset").isEqualTo(before + 1);
    }

    @Test
    void abortMidStreamSendsNChunksAndNoDone() throws Exception {
        up.faults().next(Fault.abortMidStream(3));
        // Read off a raw socket: the JDK client may drop bytes it already received once it sees the connection end
        // mid-body (its stream reports the failure before the queued data), which made this test flaky.
        String raw;
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", up.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-key"
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + STREAM.length() + "\r\n\r\n" + STREAM)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            raw = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(raw).startsWith("HTTP/1.1 200 OK").contains("Transfer-Encoding: chunked");
        assertThat(raw).as("no terminating chunk: a truncated body").doesNotEndWith("0\r\n\r\n");
        assertThat(raw).doesNotContain("[DONE]");
        assertThat(raw.split("data: ", -1)).as("three SSE events").hasSize(4);
    }

    @Test
    void abortOfANonStreamAnswerCutsTheBody() {
        up.faults().next(Fault.abortMidStream(0));
        assertThatThrownBy(() -> post(PLAIN)).isInstanceOf(IOException.class);
    }

    @Test
    void errorEventMidStreamIsInBandWithStatus200() throws Exception {
        up.faults().next(Fault.errorEventMidStream(2));
        HttpResponse<String> r = post(STREAM);
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = Http.sseData(r.body());
        assertThat(data).hasSize(3).doesNotContain("[DONE]");
        assertThat(json(data.get(2)).at("/error/type").asText()).isEqualTo("server_error");
    }

    @Test
    void errorEventOnANonStreamRequestIsAPlain500() throws Exception {
        up.faults().next(Fault.errorEventMidStream(1));
        assertThat(post(PLAIN).statusCode()).isEqualTo(500);
    }

    @Test
    void delayedFirstByteTripsTheClientTimeout() {
        up.faults().next(Fault.delayFirstByte(Duration.ofSeconds(20)));
        var req = Http.postRequest(up, "/v1/chat/completions", PLAIN, "test-key").timeout(Duration.ofMillis(200)).build();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Http.CLIENT.send(req, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void delayedFirstByteThenAnswersNormally() throws Exception {
        up.faults().next(Fault.delayFirstByte(Duration.ofMillis(150)));
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(PLAIN);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void slowBodySpacesStreamChunks() throws Exception {
        up.faults().next(Fault.slowBody(Duration.ofMillis(10)));
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(STREAM);
        long millis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        int frames = Http.sseData(r.body()).size(); // including [DONE], which is not delayed
        assertThat(millis).isGreaterThanOrEqualTo(10L * (frames - 2));
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void slowBodyDeliversANonStreamBodyInPieces() throws Exception {
        up.faults().next(Fault.slowBody(Duration.ofMillis(20)));
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(PLAIN);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(20L * (ReplyDelivery.SLOW_PIECES - 1)));
        assertThat(json(r.body()).get("object").asText()).isEqualTo("chat.completion");
    }

    @Test
    void queuedFaultsAreFifoCountedAndAlwaysAppliesUntilClear() throws Exception {
        up.faults().next(2, Fault.serverError()).next(Fault.rateLimited(1)).always(Fault.overloaded());
        assertThat(post(PLAIN).statusCode()).isEqualTo(500);
        assertThat(post(PLAIN).statusCode()).isEqualTo(500);
        assertThat(post(PLAIN).statusCode()).isEqualTo(429);
        assertThat(post(PLAIN).statusCode()).isEqualTo(503);
        assertThat(post(PLAIN).statusCode()).isEqualTo(503);
        up.faults().clear();
        assertThat(post(PLAIN).statusCode()).isEqualTo(200);
    }

    @Test
    void tokenDelayPacesStreams() throws Exception {
        try (FakeUpstream paced = FakeUpstream.openAi().tokenDelay(Duration.ofMillis(15)).start()) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = Http.post(paced, "/v1/chat/completions", STREAM);
            int frames = Http.sseData(r.body()).size();
            assertThat(Duration.ofNanos(System.nanoTime() - t0).toMillis()).isGreaterThanOrEqualTo(15L * (frames - 2));
        }
    }
}
