package ai.aideon.providers.openai;

import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
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

import static ai.aideon.providers.TestCalls.embedCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

@Timeout(10)
class OpenAiCompatibleEmbeddingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-proj-SUPERSECRETabcdef1234567890";
    private static final String MODEL = "text-embedding-3-small";

    private FakeUpstream upstream;
    private OpenAiCompatibleProvider provider;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.openAi().apiKey(KEY).models(MODEL).contextWindow(MODEL, 20).start();
        provider = new OpenAiCompatibleProvider(TestCalls.settings("openai", upstream.baseUrl() + "/v1", KEY));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private JsonNode lastBody() throws Exception {
        return JSON.readTree(upstream.requests().get(upstream.requests().size() - 1).body());
    }

    private ProviderException embedFails(String... inputs) {
        return catchThrowableOfType(ProviderException.class, () -> provider.embed(embedCall(MODEL, inputs)));
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float f : v) {
            sum += f * f;
        }
        return Math.sqrt(sum);
    }

    @Test
    void postsAllInputsToEmbeddingsWithTheUpstreamModelId() throws Exception {
        EmbeddingResponse response = provider.embed(embedCall(MODEL, "alpha", "beta gamma"));
        assertThat(upstream.requests().get(0).path()).isEqualTo("/v1/embeddings");
        assertThat(upstream.requests().get(0).header("authorization")).isEqualTo("Bearer " + KEY);
        JsonNode body = lastBody();
        assertThat(body.get("model").asText()).isEqualTo(MODEL);
        assertThat(body.get("input")).hasSize(2);
        assertThat(body.get("input").get(1).asText()).isEqualTo("beta gamma");
        assertThat(body.has("dimensions")).isFalse();
        assertThat(body.has("encoding_format")).isFalse();

        assertThat(response.model()).isEqualTo(MODEL);
        assertThat(response.vectors()).hasSize(2);
        assertThat(norm(response.vectors().get(0))).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void batchVectorsMatchTheInputsTheyBelongTo() throws Exception {
        EmbeddingResponse batch = provider.embed(embedCall(MODEL, "one", "two", "three"));
        String[] texts = {"one", "two", "three"};
        for (int i = 0; i < texts.length; i++) {
            float[] alone = provider.embed(embedCall(MODEL, texts[i])).vectors().get(0);
            assertThat(batch.vectors().get(i)).as("input %d", i).containsExactly(alone);
        }
        assertThat(batch.vectors().get(0)).isNotEqualTo(batch.vectors().get(1));
    }

    @Test
    void dimensionsAndUserAreSentWhenGiven() throws Exception {
        EmbeddingResponse response = provider.embed(embedCall(MODEL, 8, TestCalls.TIMEOUT, "short vectors"));
        assertThat(lastBody().get("dimensions").asInt()).isEqualTo(8);
        assertThat(response.vectors().get(0)).hasSize(8);
    }

    @Test
    void usageComesFromTheUpstream() throws Exception {
        // The fake counts one token per word: 2 + 3.
        EmbeddingResponse response = provider.embed(embedCall(MODEL, "two words", "and three more"));
        assertThat(response.usage().promptTokens()).isEqualTo(5);
        assertThat(response.usage().completionTokens()).isZero();
    }

    @Test
    void rateLimitedCarriesRetryAfter() {
        upstream.faults().next(Fault.rateLimited(7));
        ProviderException e = embedFails("hi");
        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.upstreamStatus()).isEqualTo(429);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void overloadedAndServerErrorsAreRetryable() {
        upstream.faults().next(Fault.overloaded()).next(Fault.serverError());
        ProviderException overloaded = embedFails("hi");
        ProviderException server = embedFails("hi");
        assertThat(overloaded.kind()).isEqualTo(Kind.OVERLOADED);
        assertThat(overloaded.upstreamStatus()).isEqualTo(503);
        assertThat(server.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(server.kind().retryable()).isTrue();
    }

    @Test
    void wrongKeyIsAuthAndTheKeyNeverReachesTheMessage() {
        upstream.apiKey("some-other-key");
        ProviderException e = embedFails("hi");
        assertThat(e.kind()).isEqualTo(Kind.AUTH);
        assertThat(e.upstreamStatus()).isEqualTo(401);
        assertThat(e.getMessage()).contains("Incorrect API key provided").doesNotContain(KEY)
                .doesNotContain("SUPERSECRET").doesNotContain("7890");
        assertThat(e.toString()).doesNotContain(KEY);
    }

    @Test
    void unknownModelIsNotFound() {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.embed(embedCall("no-such-model", "hi")));
        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(e.upstreamStatus()).isEqualTo(404);
    }

    @Test
    void inputOverTheModelsWindowIsContextLength() {
        ProviderException e = embedFails("short", "word ".repeat(21));
        assertThat(e.kind()).isEqualTo(Kind.CONTEXT_LENGTH);
        assertThat(e.upstreamStatus()).isEqualTo(400);
        assertThat(e.kind().fallbackable()).isTrue();
    }

    @Test
    void transportFailuresAreUnavailableOrTimeout() {
        upstream.faults().next(Fault.connectionReset()).next(Fault.abortMidStream(0))
                .next(Fault.delayFirstByte(Duration.ofSeconds(2)));
        assertThat(embedFails("hi").kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(embedFails("a text long enough to cut in half").kind()).isEqualTo(Kind.UNAVAILABLE);
        ProviderException slow = catchThrowableOfType(ProviderException.class,
                () -> provider.embed(embedCall(MODEL, null, Duration.ofMillis(200), "hi")));
        assertThat(slow.kind()).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void noInputIsRefusedWithoutCallingTheUpstream() {
        ProviderException e = embedFails();
        assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(e.param()).contains("input");
        assertThat(upstream.requestCount()).isZero();
    }
}
