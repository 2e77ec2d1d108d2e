package ai.aideon.providers.ollama;

import ai.aideon.core.api.EmbeddingResponse;
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
import java.util.Map;

import static ai.aideon.providers.TestCalls.embedCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Timeout(10)
class OllamaEmbeddingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "nomic-embed-text";

    private FakeUpstream upstream;
    private OllamaProvider provider;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.ollama().models(MODEL).start();
        ProviderSettings s = TestCalls.settings("ollama", upstream.baseUrl(), null);
        provider = new OllamaProvider(new ProviderSettings(s.name(), s.type(), s.source(), s.baseUrl(), s.apiKey(),
                s.connectTimeout(), Map.of("num_ctx", "catalog", "keep_alive", "10m")));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private ProviderException embedFails(String... inputs) {
        return catchThrowableOfType(ProviderException.class, () -> provider.embed(embedCall(MODEL, inputs)));
    }

    @Test
    void postsInputsToApiEmbedAndReadsUsageFromPromptEvalCount() throws Exception {
        EmbeddingResponse response = provider.embed(embedCall(MODEL, "two words", "and three more"));
        assertThat(upstream.requests().get(0).path()).isEqualTo("/api/embed");
        assertThat(upstream.requests().get(0).header("authorization")).isNull();
        JsonNode body = JSON.readTree(upstream.requests().get(0).body());
        assertThat(body.get("model").asText()).isEqualTo(MODEL);
        assertThat(body.get("input")).hasSize(2);
        assertThat(body.get("keep_alive").asText()).isEqualTo("10m");
        assertThat(body.has("dimensions")).isFalse();
        // Chat's num_ctx option is not for embedding models.
        assertThat(body.has("options")).isFalse();

        assertThat(response.model()).isEqualTo(MODEL);
        assertThat(response.vectors()).hasSize(2);
        assertThat(response.usage().promptTokens()).isEqualTo(5); // the fake counts words
    }

    @Test
    void batchVectorsMatchTheInputsTheyBelongTo() throws Exception {
        String[] texts = {"first", "second", "third"};
        EmbeddingResponse batch = provider.embed(embedCall(MODEL, texts));
        for (int i = 0; i < texts.length; i++) {
            assertThat(batch.vectors().get(i)).as("input %d", i)
                    .containsExactly(provider.embed(embedCall(MODEL, texts[i])).vectors().get(0));
        }
    }

    @Test
    void dimensionsAreSentWhenGiven() throws Exception {
        EmbeddingResponse response = provider.embed(embedCall(MODEL, 12, TestCalls.TIMEOUT, "hi"));
        assertThat(JSON.readTree(upstream.requests().get(0).body()).get("dimensions").asInt()).isEqualTo(12);
        assertThat(response.vectors().get(0)).hasSize(12);
    }

    @Test
    void unknownModelIsNotFound() {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.embed(embedCall("no-such-model", "hi")));
        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(e.getMessage()).contains("not found");
    }

    @Test
    void upstreamFailuresMapAsForChat() {
        upstream.faults().next(Fault.rateLimited(4)).next(Fault.overloaded()).next(Fault.serverError())
                .next(Fault.invalidKey());
        ProviderException limited = embedFails("hi");
        assertThat(limited.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(4));
        assertThat(embedFails("hi").kind()).isEqualTo(Kind.OVERLOADED);
        ProviderException crashed = embedFails("hi");
        assertThat(crashed.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(crashed.getMessage()).contains("llama runner process has terminated");
        assertThat(embedFails("hi").kind()).isEqualTo(Kind.AUTH);
    }
}
