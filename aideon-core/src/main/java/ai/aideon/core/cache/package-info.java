/**
 * Pure, framework-free pieces of the response cache: which requests may be cached, the canonical fingerprint that
 * keys them, the lexical guard that keeps the semantic cache from answering a different question, and the assembly
 * of a streamed answer into one storable response. The stores themselves (Caffeine, the embedding index) live in
 * {@code aideon-client}, next to the engine that owns the clock and the embedding model.
 */
package ai.aideon.core.cache;
