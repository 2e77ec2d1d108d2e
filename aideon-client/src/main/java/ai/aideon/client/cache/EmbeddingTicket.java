package ai.aideon.client.cache;

import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.catalog.ModelSpec;

import java.time.Clock;
import java.util.Optional;

/** One embeddings request's dealings with the exact cache; see {@link ChatTicket}. */
public final class EmbeddingTicket {
    private final String tenantId;
    private final String key;
    private final CacheDirective directive;
    private final ExactCache exact;
    private final Clock clock;
    private CacheStatus status;

    EmbeddingTicket(String tenantId, String key, CacheDirective directive, ExactCache exact, Clock clock) {
        this.tenantId = tenantId;
        this.key = key;
        this.directive = directive;
        this.exact = exact;
        this.clock = clock;
        this.status = key == null ? CacheStatus.NOT_CACHEABLE : directive.lookup() ? CacheStatus.MISS
                : CacheStatus.BYPASS;
    }

    public Optional<CachedEmbedding> lookup() {
        if (status != CacheStatus.MISS) {
            return Optional.empty();
        }
        Optional<CachedEmbedding> hit = exact.embedding(tenantId, key);
        if (hit.isPresent()) {
            status = CacheStatus.HIT;
        }
        return hit;
    }

    /** Keeps the vectors, unless the caller said no-store. Call only after the ledger row is durable. */
    public void store(EmbeddingResponse response, ModelSpec served) {
        if (status == CacheStatus.NOT_CACHEABLE || status == CacheStatus.HIT || !directive.store()
                || response.vectors().isEmpty()) {
            return;
        }
        exact.put(tenantId, key, new CachedEmbedding(response, served, clock.instant()));
    }

    public CacheStatus status() {
        return status;
    }
}
