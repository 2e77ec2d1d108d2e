package ai.aideon.client.config;

import java.time.Duration;

/**
 * The {@code cache:} section: the exact cache (on by default; it only ever serves an identical, deterministic request
 * of the same tenant) and the semantic cache (off by default; even when on, a request must ask for it with
 * {@code x-aideon-cache: semantic}).
 */
public record CacheConfig(Exact exact, Semantic semantic) {

    /**
     * @param maxEntries entries over all tenants; the least recently used go first
     * @param ttl        how long an answer may be served after it was computed
     */
    public record Exact(boolean enabled, int maxEntries, Duration ttl) {
    }

    /**
     * @param threshold            cosine similarity (all-MiniLM-L6-v2) at or above which two questions may share an
     *                             answer, subject to the guard
     * @param maxEntriesPerTenant  the oldest entries of a tenant go first
     */
    public record Semantic(boolean enabled, double threshold, Duration ttl, int maxEntriesPerTenant) {
    }

    public static final Exact DEFAULT_EXACT = new Exact(true, 10_000, Duration.ofHours(1));
    /**
     * 0.92: paraphrases that also pass the guard score 0.94–0.99 with all-MiniLM-L6-v2 ("Can you tell me what the
     * capital of France is?" / "What is the capital of France?" is 0.944), so this keeps them with some margin; the
     * near misses the guard exists for score higher still, so no threshold alone could separate them.
     */
    public static final Semantic DEFAULT_SEMANTIC = new Semantic(false, 0.92, Duration.ofHours(1), 1_000);

    public static CacheConfig defaults() {
        return new CacheConfig(DEFAULT_EXACT, DEFAULT_SEMANTIC);
    }

    /** No caching at all. */
    public static CacheConfig off() {
        return new CacheConfig(new Exact(false, DEFAULT_EXACT.maxEntries(), DEFAULT_EXACT.ttl()),
                new Semantic(false, DEFAULT_SEMANTIC.threshold(), DEFAULT_SEMANTIC.ttl(),
                        DEFAULT_SEMANTIC.maxEntriesPerTenant()));
    }
}
