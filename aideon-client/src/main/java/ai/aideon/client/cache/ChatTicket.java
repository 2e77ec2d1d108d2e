package ai.aideon.client.cache;

import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.Usage;
import ai.aideon.core.cache.ChatCacheRules;
import ai.aideon.core.catalog.ModelSpec;

import java.time.Clock;
import java.util.Optional;

/**
 * One chat request's dealings with the cache: {@link #lookup()} once (after admission, before any upstream call),
 * then, on a miss, {@link #store} once the answer is complete and its ledger row is durable.
 */
public final class ChatTicket {
    private final String tenantId;
    private final String exactKey;
    private final SemanticCache.Probe semantic;
    private final CacheDirective directive;
    private final ExactCache exact;
    private final Clock clock;
    private CacheStatus status;

    ChatTicket(String tenantId, String exactKey, SemanticCache.Probe semantic, CacheDirective directive,
               ExactCache exact, Clock clock) {
        this.tenantId = tenantId;
        this.exactKey = exactKey;
        this.semantic = semantic;
        this.directive = directive;
        this.exact = exact;
        this.clock = clock;
        boolean cacheable = exactKey != null || semantic != null;
        this.status = !cacheable ? CacheStatus.NOT_CACHEABLE : directive.lookup() ? CacheStatus.MISS
                : CacheStatus.BYPASS;
    }

    /** The exact cache first (cheap, and certain), then similar questions when the request opted in. */
    public Optional<ChatHit> lookup() {
        if (status != CacheStatus.MISS) {
            return Optional.empty();
        }
        Optional<ChatHit> hit = Optional.empty();
        if (exactKey != null) {
            hit = exact.chat(tenantId, exactKey).map(c -> new ChatHit(c, CacheKind.EXACT, null));
        }
        if (hit.isEmpty() && semantic != null) {
            hit = semantic.lookup();
        }
        if (hit.isPresent()) {
            status = CacheStatus.HIT;
        }
        return hit;
    }

    /**
     * Keeps a complete answer for later requests, unless the caller said no-store or the answer must not be kept
     * (content-filtered, refused: see {@link ChatCacheRules#storable}). Call only after the ledger row is durable,
     * and never for an answer that failed or broke off.
     */
    public void store(ChatResponse response, ModelSpec served, Usage usage) {
        if (status == CacheStatus.NOT_CACHEABLE || status == CacheStatus.HIT || !directive.store()
                || !ChatCacheRules.storable(response)) {
            return;
        }
        CachedChat answer = new CachedChat(response, served, usage, clock.instant());
        if (exactKey != null) {
            exact.put(tenantId, exactKey, answer);
        }
        if (semantic != null) {
            semantic.store(answer);
        }
    }

    public CacheStatus status() {
        return status;
    }
}
