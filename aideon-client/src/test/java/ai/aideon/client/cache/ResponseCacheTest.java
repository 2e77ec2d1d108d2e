package ai.aideon.client.cache;

import ai.aideon.testkit.ManualClock;
import ai.aideon.client.config.CacheConfig;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.api.Usage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static ai.aideon.client.cache.CacheFixtures.MODEL;
import static ai.aideon.client.cache.CacheFixtures.answer;
import static ai.aideon.client.cache.CacheFixtures.chat;
import static ai.aideon.client.cache.CacheFixtures.scope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cache's mechanics with a stand-in embedder (the real model's judgement is in SemanticCacheModelTest). */
class ResponseCacheTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T10:00:00Z"));
    final AtomicInteger embeddings = new AtomicInteger();
    /** Every question maps to the same direction: similarity 1, so only the guard and the context decide. */
    final QueryEmbedder sameVector = text -> {
        embeddings.incrementAndGet();
        return new float[]{1, 0, 0};
    };
    final CacheConfig config = new CacheConfig(new CacheConfig.Exact(true, 100, Duration.ofMinutes(10)),
            new CacheConfig.Semantic(true, 0.92, Duration.ofMinutes(10), 3));
    final ResponseCache cache = new ResponseCache(config, clock, sameVector);

    static final CacheDirective SEMANTIC = new CacheDirective(true, true, true);

    @Test
    void aDeterministicRequestMissesThenHitsAndOnlyForItsTenant() {
        ChatRequest r = chat(null, "What is the capital of France?", 0.0, false);
        ChatTicket first = cache.chat(scope("acme"), r, CacheDirective.DEFAULT);
        assertThat(first.lookup()).isEmpty();
        assertThat(first.status()).isEqualTo(CacheStatus.MISS);
        first.store(answer("Paris."), MODEL, new Usage(12, 3));

        ChatTicket again = cache.chat(scope("acme"), r, CacheDirective.DEFAULT);
        assertThat(again.lookup()).hasValueSatisfying(hit -> {
            assertThat(hit.kind()).isEqualTo(CacheKind.EXACT);
            assertThat(hit.answer().response().firstText()).isEqualTo("Paris.");
            assertThat(hit.answer().served()).isEqualTo(MODEL);
        });
        assertThat(again.status()).isEqualTo(CacheStatus.HIT);

        assertThat(cache.chat(scope("globex"), r, CacheDirective.DEFAULT).lookup()).as("another tenant").isEmpty();
    }

    @Test
    void samplingWithoutASeedIsNotCacheable() {
        ChatTicket t = cache.chat(scope("acme"), chat(null, "Tell me a story", 0.8, false), CacheDirective.DEFAULT);
        assertThat(t.status()).isEqualTo(CacheStatus.NOT_CACHEABLE);
        t.store(answer("Once upon a time."), MODEL, Usage.ZERO);
        assertThat(cache.exactSize()).isZero();
        assertThat(cache.chat(scope("acme"), chat(null, "Tell me a story", null, false), CacheDirective.DEFAULT)
                .status()).as("absent temperature").isEqualTo(CacheStatus.NOT_CACHEABLE);
    }

    @Test
    void entriesExpireAfterTheTtlOnTheInjectedClock() {
        ChatRequest r = chat(null, "What is 2+2?", 0.0, false);
        cache.chat(scope("acme"), r, CacheDirective.DEFAULT).store(answer("4"), MODEL, Usage.ZERO);
        clock.advance(Duration.ofMinutes(9));
        assertThat(cache.chat(scope("acme"), r, CacheDirective.DEFAULT).lookup()).isPresent();
        clock.advance(Duration.ofMinutes(2));
        assertThat(cache.chat(scope("acme"), r, CacheDirective.DEFAULT).lookup()).isEmpty();
    }

    @Test
    void filteredAnswersAreNotKept() {
        ChatRequest r = chat(null, "Something edgy", 0.0, false);
        cache.chat(scope("acme"), r, CacheDirective.DEFAULT).store(answer("", "content_filter"), MODEL, Usage.ZERO);
        assertThat(cache.chat(scope("acme"), r, CacheDirective.DEFAULT).lookup()).isEmpty();
    }

    @Test
    void directivesControlLookupAndStore() {
        ChatRequest r = chat(null, "What is 2+2?", 0.0, false);
        ChatTicket noStore = cache.chat(scope("acme"), r, CacheDirective.parse("no-store", null));
        assertThat(noStore.lookup()).isEmpty();
        noStore.store(answer("4"), MODEL, Usage.ZERO);
        assertThat(cache.exactSize()).isZero();

        ChatTicket bypass = cache.chat(scope("acme"), r, CacheDirective.parse("bypass", null));
        assertThat(bypass.status()).isEqualTo(CacheStatus.BYPASS);
        bypass.store(answer("4"), MODEL, Usage.ZERO);
        assertThat(cache.exactSize()).isZero();

        ChatTicket refresh = cache.chat(scope("acme"), r, CacheDirective.parse(null, "no-cache"));
        assertThat(refresh.lookup()).isEmpty();
        assertThat(refresh.status()).isEqualTo(CacheStatus.BYPASS);
        refresh.store(answer("four"), MODEL, Usage.ZERO);
        assertThat(cache.chat(scope("acme"), r, CacheDirective.DEFAULT).lookup())
                .hasValueSatisfying(h -> assertThat(h.answer().response().firstText()).isEqualTo("four"));

        assertThat(CacheDirective.parse("semantic, no-store", "max-age=0"))
                .isEqualTo(new CacheDirective(true, false, true));
        assertThatThrownBy(() -> CacheDirective.parse("semantik", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("semantic, refresh, no-store or bypass");
    }

    @Test
    void semanticIsOptInAndRespectsContextAndGuard() {
        ChatRequest asked = chat("Be brief.", "What is the capital of France?", 0.7, false);
        ChatTicket notOptedIn = cache.chat(scope("acme"), asked, CacheDirective.DEFAULT);
        assertThat(notOptedIn.status()).as("sampling, no opt-in").isEqualTo(CacheStatus.NOT_CACHEABLE);

        ChatTicket first = cache.chat(scope("acme"), asked, SEMANTIC);
        assertThat(first.lookup()).isEmpty();
        assertThat(embeddings).as("nothing stored yet: no embedding needed").hasValue(0);
        first.store(answer("Paris."), MODEL, Usage.ZERO);

        assertThat(cache.chat(scope("acme"), chat("Be brief.", "what's the capital of france", 0.7, false), SEMANTIC)
                .lookup()).hasValueSatisfying(h -> {
                    assertThat(h.kind()).isEqualTo(CacheKind.SEMANTIC);
                    assertThat(h.similarity()).isEqualTo(1.0);
                });
        assertThat(cache.chat(scope("acme"), chat("Be brief.", "what's the capital of france", 0.7, false),
                CacheDirective.DEFAULT).lookup()).as("without opt-in").isEmpty();
        assertThat(cache.chat(scope("acme"), chat("Be verbose.", "What is the capital of France?", 0.7, false),
                SEMANTIC).lookup()).as("another system prompt").isEmpty();
        assertThat(cache.chat(scope("acme"), chat("Be brief.", "What is the capital of France?", 0.7, true),
                SEMANTIC).status()).as("tools").isEqualTo(CacheStatus.NOT_CACHEABLE);
        assertThat(cache.chat(scope("acme"), chat("Be brief.", "What is the capital of France?", 0.2, false),
                SEMANTIC).lookup()).as("other sampling").isEmpty();
        assertThat(cache.chat(scope("globex"), asked, SEMANTIC).lookup()).as("another tenant").isEmpty();
        int before = embeddings.get();
        assertThat(cache.chat(scope("acme"), chat("Be brief.", "What is the capital of Germany?", 0.7, false),
                SEMANTIC).lookup()).as("the guard, even at similarity 1").isEmpty();
        assertThat(embeddings).as("the guard refused before any embedding").hasValue(before);
    }

    @Test
    void eachTenantKeepsItsNewestSemanticEntries() {
        for (String q : List.of("What is a cat?", "What is a dog?", "What is a cow?", "What is a hen?")) {
            cache.chat(scope("acme"), chat(null, q, 0.7, false), SEMANTIC).store(answer("An animal."), MODEL, Usage.ZERO);
        }
        assertThat(cache.chat(scope("acme"), chat(null, "What is a cat?", 0.7, false), SEMANTIC).lookup())
                .as("the oldest of four went; the limit is 3").isEmpty();
        assertThat(cache.chat(scope("acme"), chat(null, "What is a hen?", 0.7, false), SEMANTIC).lookup()).isPresent();
    }

    @Test
    void semanticEntriesExpireToo() {
        cache.chat(scope("acme"), chat(null, "What is a cat?", 0.7, false), SEMANTIC).store(answer("An animal."), MODEL,
                Usage.ZERO);
        clock.advance(Duration.ofMinutes(11));
        assertThat(cache.chat(scope("acme"), chat(null, "What is a cat?", 0.7, false), SEMANTIC).lookup()).isEmpty();
    }

    @Test
    void withoutAnEmbedderTheSemanticCacheIsOff() {
        ResponseCache noModel = new ResponseCache(config, clock, null);
        assertThat(noModel.semanticEnabled()).isFalse();
        assertThat(noModel.describe()).contains("semantic off (no local embedding model)");
        assertThat(noModel.chat(scope("acme"), chat(null, "Hi", 0.7, false), SEMANTIC).status())
                .isEqualTo(CacheStatus.NOT_CACHEABLE);
    }

    @Test
    void embeddingsAreAlwaysCacheableAndIsolated() {
        EmbeddingRequest r = new EmbeddingRequest("aideon/embed", List.of("hello"), null, null);
        EmbeddingTicket first = cache.embedding(scope("acme"), r, CacheDirective.DEFAULT);
        assertThat(first.lookup()).isEmpty();
        first.store(new EmbeddingResponse("m", List.of(new float[]{0.5f, 0.5f}), new Usage(1, 0)), MODEL);
        assertThat(cache.embedding(scope("acme"), r, CacheDirective.DEFAULT).lookup())
                .hasValueSatisfying(e -> assertThat(e.response().vectors().get(0)).containsExactly(0.5f, 0.5f));
        assertThat(cache.embedding(scope("globex"), r, CacheDirective.DEFAULT).lookup()).isEmpty();
    }

    @Test
    void aHugeAnswerTakesManySlotsSoItCannotCrowdTheCacheUnnoticed() {
        ResponseCache small = new ResponseCache(new CacheConfig(new CacheConfig.Exact(true, 4, Duration.ofMinutes(1)),
                CacheConfig.DEFAULT_SEMANTIC), clock, null);
        EmbeddingRequest big = new EmbeddingRequest("aideon/embed", List.of("x"), null, null);
        small.embedding(scope("acme"), big, CacheDirective.DEFAULT).store(new EmbeddingResponse("m",
                List.of(new float[64 * 1024]), Usage.ZERO), MODEL);
        assertThat(small.exactSize()).as("256 KiB is 16 slots of 16 KiB: more than the whole cache").isZero();
    }
}
