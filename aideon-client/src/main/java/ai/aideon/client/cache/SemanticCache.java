package ai.aideon.client.cache;

import ai.aideon.client.config.CacheConfig;
import ai.aideon.core.cache.QueryFeatures;
import ai.aideon.core.cache.SemanticGuard;
import ai.aideon.core.provider.ProviderException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Similar questions, per tenant. An entry is found only when all of these hold:
 * <ol>
 *   <li>same tenant (each tenant has its own index);</li>
 *   <li>same context: identical model as asked, tier, role, local-only, parameters, system prompt and earlier turns
 *   ({@link ai.aideon.core.cache.RequestFingerprint#chatContext}), and no tools;</li>
 *   <li>the {@link SemanticGuard} accepts the pair (numbers, negations, question words, content words);</li>
 *   <li>the cosine similarity of the two questions' embeddings is at least the threshold;</li>
 *   <li>the entry is younger than the TTL.</li>
 * </ol>
 * The guard runs before the embedding: when no stored question survives it (most misses), the lookup computes no
 * embedding at all. A miss that gets stored embeds its question then, after its answer went out.
 *
 * <p>Each tenant's index is a bounded list scanned linearly: {@code max_entries_per_tenant} is in the thousands and a
 * comparison is a few hundred multiply-adds, well under a millisecond — cheaper than keeping an ANN index in sync.
 * When full, the oldest entry goes. Tenants idle for a TTL lose their index.
 */
final class SemanticCache {
    private static final Logger LOG = LoggerFactory.getLogger(SemanticCache.class);
    /** Longer answers are not kept: FAQ-style answers are short, and a long one would crowd out many. */
    static final long MAX_ANSWER_BYTES = 64 * 1024;

    private final CacheConfig.Semantic settings;
    private final QueryEmbedder embedder;
    private final Clock clock;
    private final Cache<String, TenantIndex> tenants;

    SemanticCache(CacheConfig.Semantic settings, QueryEmbedder embedder, Clock clock) {
        this.settings = settings;
        this.embedder = embedder;
        this.clock = clock;
        this.tenants = Caffeine.newBuilder()
                .expireAfterAccess(settings.ttl())
                .ticker(CaffeineTicker.of(clock))
                .executor(Runnable::run)
                .build();
    }

    /** One request's view of the cache: look up now, store later, embedding the question at most once. */
    Probe probe(String tenantId, String context, String query) {
        return new Probe(tenantId, context, query, QueryFeatures.of(query));
    }

    final class Probe {
        private final String tenantId;
        private final String context;
        private final String query;
        private final QueryFeatures features;
        private float[] vector;

        private Probe(String tenantId, String context, String query, QueryFeatures features) {
            this.tenantId = tenantId;
            this.context = context;
            this.query = query;
            this.features = features;
        }

        Optional<ChatHit> lookup() {
            TenantIndex index = tenants.getIfPresent(tenantId);
            if (index == null) {
                return Optional.empty();
            }
            List<Entry> candidates = index.candidates(context, features, oldestValid());
            if (candidates.isEmpty() || !embedQuery()) {
                return Optional.empty();
            }
            Entry best = null;
            double bestSimilarity = -1;
            for (Entry e : candidates) {
                double s = cosine(vector, e.vector());
                if (s > bestSimilarity) {
                    best = e;
                    bestSimilarity = s;
                }
            }
            if (bestSimilarity < settings.threshold()) {
                LOG.debug("semantic cache: best candidate of tenant {} at {} is under the threshold {}", tenantId,
                        bestSimilarity, settings.threshold());
                return Optional.empty();
            }
            return Optional.of(new ChatHit(best.answer(), CacheKind.SEMANTIC, bestSimilarity));
        }

        void store(CachedChat answer) {
            if (answer.approximateBytes() > MAX_ANSWER_BYTES || !embedQuery()) {
                return;
            }
            tenants.get(tenantId, t -> new TenantIndex(settings.maxEntriesPerTenant()))
                    .add(new Entry(context, features, vector, answer), oldestValid());
        }

        /** Embeds the question once; false when the model failed (the cache then stays out of the way). */
        private boolean embedQuery() {
            if (vector != null) {
                return true;
            }
            try {
                vector = embedder.embed(forEmbedding(query));
                return true;
            } catch (ProviderException | RuntimeException e) {
                LOG.warn("semantic cache: could not embed a question of tenant {} ({}); treating it as a miss",
                        tenantId, e.getMessage());
                return false;
            }
        }
    }

    /**
     * The form of a question that gets embedded: trimmed, single spaces, and whatever closing punctuation it had
     * replaced by one question mark. The model ignores case but not punctuation: "What is the capital of France?" and
     * the same words without the question mark score 0.906, under the threshold, for no difference in meaning.
     * Stripping the mark instead would cost real paraphrases ("Can you tell me what the capital of France is?" falls
     * from 0.944 to 0.880); a uniform "?" keeps them (measured). Both sides go through this, so it is symmetric; the
     * guard still sees the original text.
     */
    static String forEmbedding(String question) {
        return question.strip().replaceAll("\\s+", " ").replaceAll("[\\s?.!\u2026;:]+$", "") + "?";
    }

    private Instant oldestValid() {
        return clock.instant().minus(settings.ttl());
    }

    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            return -1;
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? -1 : dot / Math.sqrt(na * nb);
    }

    private record Entry(String context, QueryFeatures features, float[] vector, CachedChat answer) {
    }

    /** One tenant's entries, oldest first. Synchronized: lookups are short scans, stores are rare. */
    private static final class TenantIndex {
        private final ArrayDeque<Entry> entries = new ArrayDeque<>();
        private final int max;

        TenantIndex(int max) {
            this.max = max;
        }

        synchronized List<Entry> candidates(String context, QueryFeatures asked, Instant oldestValid) {
            dropExpired(oldestValid);
            List<Entry> out = new ArrayList<>();
            for (Entry e : entries) {
                if (!e.context().equals(context)) {
                    continue;
                }
                Optional<String> refused = SemanticGuard.mismatch(asked, e.features());
                if (refused.isEmpty()) {
                    out.add(e);
                } else if (LOG.isDebugEnabled()) {
                    // The rule only: the reason quotes the questions, which are the tenant's data.
                    LOG.debug("semantic cache: guard refused a candidate ({})", refused.get().split(":")[0]);
                }
            }
            return out;
        }

        synchronized void add(Entry entry, Instant oldestValid) {
            dropExpired(oldestValid);
            // The same question in the same context again (a refresh): the new answer replaces the old one.
            entries.removeIf(e -> e.context().equals(entry.context()) && e.features().equals(entry.features()));
            while (entries.size() >= max) {
                entries.removeFirst();
            }
            entries.addLast(entry);
        }

        private void dropExpired(Instant oldestValid) {
            for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
                if (!it.next().answer().storedAt().isAfter(oldestValid)) {
                    it.remove();
                }
            }
        }
    }
}
