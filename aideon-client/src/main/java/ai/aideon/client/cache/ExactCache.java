package ai.aideon.client.cache;

import ai.aideon.client.config.CacheConfig;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Clock;
import java.util.Optional;

/**
 * Identical requests, per tenant: a Caffeine cache keyed by tenant id and request fingerprint, bounded and expiring
 * after the configured TTL (measured with the engine's clock).
 *
 * <p>The bound counts slots of {@value #SLOT_BYTES} bytes rather than entries, so a few huge answers (a batch of 2048
 * embeddings is 3 MB) cannot take the memory that {@code max_entries} ordinary answers would: an entry up to one slot
 * counts as one entry, a bigger one as several. Eviction is least-recently-used over all tenants; one tenant can push
 * another's entries out, but can never read them.
 */
final class ExactCache {
    static final int SLOT_BYTES = 16 * 1024;

    /** The tenant is its own field, not part of a concatenated string, so no tenant id can forge another's key. */
    private record Key(String tenantId, String fingerprint) {
    }

    private final Cache<Key, Object> entries;

    ExactCache(CacheConfig.Exact settings, Clock clock) {
        this.entries = Caffeine.newBuilder()
                .maximumWeight(settings.maxEntries())
                .weigher((Key k, Object v) -> slots(v))
                .expireAfterWrite(settings.ttl())
                .ticker(CaffeineTicker.of(clock))
                // Maintenance on the calling thread: no background pool, and deterministic in tests.
                .executor(Runnable::run)
                .build();
    }

    Optional<CachedChat> chat(String tenantId, String fingerprint) {
        return entries.getIfPresent(new Key(tenantId, fingerprint)) instanceof CachedChat c ? Optional.of(c)
                : Optional.empty();
    }

    Optional<CachedEmbedding> embedding(String tenantId, String fingerprint) {
        return entries.getIfPresent(new Key(tenantId, fingerprint)) instanceof CachedEmbedding e ? Optional.of(e)
                : Optional.empty();
    }

    void put(String tenantId, String fingerprint, CachedChat answer) {
        entries.put(new Key(tenantId, fingerprint), answer);
    }

    void put(String tenantId, String fingerprint, CachedEmbedding answer) {
        entries.put(new Key(tenantId, fingerprint), answer);
    }

    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private static int slots(Object v) {
        long bytes = switch (v) {
            case CachedChat c -> c.approximateBytes();
            case CachedEmbedding e -> e.approximateBytes();
            default -> SLOT_BYTES;
        };
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (bytes + SLOT_BYTES - 1) / SLOT_BYTES));
    }
}
