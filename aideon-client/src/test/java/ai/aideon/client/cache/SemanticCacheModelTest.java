package ai.aideon.client.cache;

import ai.aideon.testkit.ManualClock;
import ai.aideon.client.config.CacheConfig;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.Usage;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.providers.local.OnnxEmbeddingProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static ai.aideon.client.cache.CacheFixtures.MODEL;
import static ai.aideon.client.cache.CacheFixtures.answer;
import static ai.aideon.client.cache.CacheFixtures.chat;
import static ai.aideon.client.cache.CacheFixtures.scope;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The semantic cache with the real in-process all-MiniLM-L6-v2 model and the default threshold: near misses must
 * never hit, paraphrases should.
 */
class SemanticCacheModelTest {
    static final OnnxEmbeddingProvider MODEL_PROVIDER = new OnnxEmbeddingProvider("local-embed");
    static final QueryEmbedder ONNX = text -> MODEL_PROVIDER.embed(new ModalityCall<>(new EmbeddingRequest(
            OnnxEmbeddingProvider.MODEL_ID, List.of(text), null, null), null, Duration.ofSeconds(60))).vectors().get(0);
    static final CacheDirective SEMANTIC = new CacheDirective(true, true, true);

    final ResponseCache cache = new ResponseCache(new CacheConfig(CacheConfig.DEFAULT_EXACT,
            new CacheConfig.Semantic(true, CacheConfig.DEFAULT_SEMANTIC.threshold(), Duration.ofHours(1), 100)),
            new ManualClock(Instant.parse("2026-01-05T10:00:00Z")), ONNX);

    @ParameterizedTest(name = "[{index}] cached \"{0}\" must not answer \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
            What is 15% of 200?                 | What is 15% of 300?
            Is Paris the capital of France?     | Is Paris not the capital of France?
            Convert 5 miles to km               | Convert 50 miles to km
            Convert 5 miles to km               | Convert 5 km to miles
            Flights from Paris to London        | Flights from London to Paris
            Is coffee good for you?             | Is coffee bad for you?
            What is the capital of France?      | What is the capital of Germany?
            What is the largest planet?         | What is the smallest planet?
            Who won the 2018 World Cup?         | Who won the 2022 World Cup?
            How do I reset my password?         | How do I change my password?
            What is the population of France?   | What is the population of France's capital?
            Who is the CEO of Apple?            | Who was the CEO of Apple?
            When was the Eiffel Tower built?    | Where was the Eiffel Tower built?
            Recipes with nuts                   | Recipes without nuts
            """)
    void nearMissesNeverHit(String cached, String asked) {
        cache.chat(scope("acme"), chat("Be brief.", cached, 0.7, false), SEMANTIC).store(answer("cached answer"),
                MODEL, Usage.ZERO);
        assertThat(cache.chat(scope("acme"), chat("Be brief.", asked, 0.7, false), SEMANTIC).lookup()).isEmpty();
        // the stored question itself still hits: the miss above is the guard or the threshold, not a broken cache
        assertThat(cache.chat(scope("acme"), chat("Be brief.", cached, 0.7, false), SEMANTIC).lookup()).isPresent();
    }

    @ParameterizedTest(name = "[{index}] cached \"{0}\" answers \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
            What is the capital of France?      | What's the capital of France?
            What is the capital of France?      | Can you tell me what the capital of France is?
            What is the capital of France?      | what is the capital of france
            How can I reset my password?        | How do I reset my password?
            How do I reset my password?         | How to reset my password?
            How many legs do spiders have?      | How many legs does a spider have?
            """)
    void paraphrasesHit(String cached, String asked) {
        cache.chat(scope("acme"), chat("Be brief.", cached, 0.7, false), SEMANTIC).store(answer("cached answer"),
                MODEL, Usage.ZERO);
        assertThat(cache.chat(scope("acme"), chat("Be brief.", asked, 0.7, false), SEMANTIC).lookup())
                .hasValueSatisfying(hit -> {
                    assertThat(hit.kind()).isEqualTo(CacheKind.SEMANTIC);
                    assertThat(hit.similarity()).isGreaterThanOrEqualTo(CacheConfig.DEFAULT_SEMANTIC.threshold());
                    assertThat(hit.answer().response().firstText()).isEqualTo("cached answer");
                });
    }
}
