/**
 * Internal: the OpenAI chat/completions and embeddings wire formats and their translation to and from the canonical
 * API. Public only so the adapter packages can share it; nothing here belongs to the adapters' API.
 */
package ai.aideon.providers.openai.wire;
