package ai.aideon.client.cache;

/**
 * A chat request answered from the cache.
 *
 * @param similarity the cosine similarity of the two questions for a semantic hit; null for an exact one
 */
public record ChatHit(CachedChat answer, CacheKind kind, Double similarity) {
}
