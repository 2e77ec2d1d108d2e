/**
 * Internal: Ollama's native {@code /api/chat}, {@code /api/generate} and {@code /api/embed} wire format and its
 * translation to and from the canonical API. Public only for the adapter package; nothing here belongs to its API.
 */
package ai.aideon.providers.ollama.wire;
