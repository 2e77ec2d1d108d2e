package ai.aideon.providers.together;

import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.provider.EmbeddingProvider;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.core.route.TokenCounter;
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

@Timeout(10)
class TogetherEmbeddingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "BAAI/bge-base-en-v1.5";
    private static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private FakeUpstream upstream;
    private EmbeddingProvider provider;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.together().apiKey(KEY).start();
        provider = new TogetherProvider(TestCalls.settings("together", upstream.baseUrl() + "/v1", KEY));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private ProviderException embedFails(String... inputs) {
        return catchThrowableOfType(ProviderException.class, () -> provider.embed(embedCall(MODEL, inputs)));
    }

    @Test
    void answerWithoutUsageIsCountedWithCl100k() throws Exception {
        String[] inputs = {"The cat sits on the mat", "Stock markets fell sharply today"};
        EmbeddingResponse response = provider.embed(embedCall(MODEL, inputs));
        assertThat(response.vectors()).hasSize(2);
        assertThat(response.model()).isEqualTo(MODEL);
        TokenCounter cl100k = TokenCounter.cl100k();
        assertThat(response.usage().promptTokens()).isEqualTo(cl100k.count(inputs[0]) + cl100k.count(inputs[1]));

        JsonNode body = JSON.readTree(upstream.requests().get(0).body());
        assertThat(upstream.requests().get(0).path()).isEqualTo("/v1/embeddings");
        assertThat(body.get("model").asText()).isEqualTo(MODEL);
        assertThat(body.get("input")).hasSize(2);
    }

    @Test
    void dimensionsAreRefusedBecauseTogetherHasNoSuchParameter() {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.embed(embedCall(MODEL, 256, TestCalls.TIMEOUT, "hi")));
        assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(e.param()).contains("dimensions");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void dynamicRateLimitIsRateLimitedWithRetryAfter() {
        upstream.faults().next(Fault.rateLimited(3));
        ProviderException e = embedFails("hi");
        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
    }

    @Test
    void plainText503IsOverloaded() {
        upstream.faults().next(Fault.overloaded());
        ProviderException e = embedFails("hi");
        assertThat(e.kind()).isEqualTo(Kind.OVERLOADED);
        assertThat(e.upstreamStatus()).isEqualTo(503);
    }

    @Test
    void wrongKeyIsAuthAndNeverEchoed() {
        upstream.apiKey("another-key");
        ProviderException e = embedFails("hi");
        assertThat(e.kind()).isEqualTo(Kind.AUTH);
        assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("0123456789abcdef");
    }
}
