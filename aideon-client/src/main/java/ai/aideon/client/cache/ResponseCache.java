package ai.aideon.client.cache;

import ai.aideon.client.config.CacheConfig;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.cache.CacheScope;
import ai.aideon.core.cache.ChatCacheRules;
import ai.aideon.core.cache.RequestFingerprint;

import java.time.Clock;

/**
 * The gateway's response cache: the exact cache (deterministic chat requests and embeddings) and, when configured and
 * a local embedding model is there, the semantic cache (chat, opt-in per request). Handlers ask for a ticket per
 * request, look up with it after admission, and store through it once the answer is complete and recorded.
 */
public final class ResponseCache {
    private final CacheConfig config;
    private final Clock clock;
    private final ExactCache exact;
    private final SemanticCache semantic;

    /**
     * @param embedder the local embedding model for the semantic cache; null when there is none, which turns the
     *                 semantic cache off whatever the config says
     */
    public ResponseCache(CacheConfig config, Clock clock, QueryEmbedder embedder) {
        this.config = config;
        this.clock = clock;
        this.exact = config.exact().enabled() ? new ExactCache(config.exact(), clock) : null;
        this.semantic = config.semantic().enabled() && embedder != null
                ? new SemanticCache(config.semantic(), embedder, clock) : null;
    }

    public boolean exactEnabled() {
        return exact != null;
    }

    public boolean semanticEnabled() {
        return semantic != null;
    }

    /** The cache's view of one chat request. Cheap: fingerprints are computed here, nothing is looked up yet. */
    public ChatTicket chat(CacheScope scope, ChatRequest request, CacheDirective directive) {
        String exactKey = exact != null && ChatCacheRules.deterministic(request)
                ? RequestFingerprint.chat(request, scope) : null;
        SemanticCache.Probe probe = null;
        if (semantic != null && directive.semantic() && ChatCacheRules.semanticIneligibility(request).isEmpty()) {
            probe = semantic.probe(scope.tenantId(), RequestFingerprint.chatContext(request, scope),
                    ChatCacheRules.semanticQuery(request));
        }
        return new ChatTicket(scope.tenantId(), exactKey, probe, directive, exact, clock);
    }

    /** The cache's view of one embeddings request: always cacheable while the exact cache is on. */
    public EmbeddingTicket embedding(CacheScope scope, EmbeddingRequest request, CacheDirective directive) {
        String key = exact != null ? RequestFingerprint.embedding(request, scope) : null;
        return new EmbeddingTicket(scope.tenantId(), key, directive, exact, clock);
    }

    /** The time on the clock that stamps entries: ages are measured with it. */
    public java.time.Instant now() {
        return clock.instant();
    }

    /** Entries in the exact cache (after pending evictions); for tests and diagnostics. */
    public long exactSize() {
        return exact == null ? 0 : exact.size();
    }

    /** One line for the startup log. */
    public String describe() {
        CacheConfig.Exact e = config.exact();
        CacheConfig.Semantic s = config.semantic();
        return "exact " + (exact != null ? "on (" + e.maxEntries() + " entries, ttl " + human(e.ttl()) + ")" : "off")
                + "; semantic " + (semantic != null ? "on for requests with x-aideon-cache: semantic (threshold "
                + s.threshold() + ", ttl " + human(s.ttl()) + ", " + s.maxEntriesPerTenant() + " entries per tenant)"
                : s.enabled() ? "off (no local embedding model)" : "off");
    }

    /** As the config spells it: 1h, 10m, 30s, 500ms. */
    private static String human(java.time.Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
