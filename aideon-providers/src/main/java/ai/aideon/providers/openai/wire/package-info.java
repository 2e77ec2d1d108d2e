/**
 * Internal: the OpenAI chat/completions wire format and its translation to and from the canonical API. Public only
 * so the adapter packages can share it; nothing here belongs to the adapters' API.
 */
package ai.aideon.providers.openai.wire;
