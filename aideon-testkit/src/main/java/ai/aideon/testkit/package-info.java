/**
 * Faithful fake upstream providers for tests and benchmarks.
 *
 * <p>{@link ai.aideon.testkit.FakeUpstream} starts a small HTTP/1.1 server on 127.0.0.1 that speaks the wire
 * format of Together AI, an OpenAI-compatible server, or Ollama, as documented in {@code shared/specs/PROVIDERS.md}:
 * same paths, SSE/NDJSON framing, error envelopes, status codes and headers. {@link ai.aideon.testkit.Faults}
 * injects the failures adapters must survive (429 with Retry-After, 503, resets, truncated streams, in-band
 * stream errors, slow or late bytes).
 *
 * <p>Conventions tests can rely on:
 * <ul>
 *   <li>Reply text: {@code "Echo: <up to 8 words of the last user (or tool) message>. This reply comes from a fake
 *       upstream."}</li>
 *   <li>Tokens: one whitespace-separated word = one token, for prompts and completions; JSON content and tool
 *       arguments count one token per 8-character fragment (plus one for a tool call's name).</li>
 *   <li>Tool calls: when tools are offered (and {@code tool_choice} is not {@code none}) the first or forced
 *       function is called with its schema's required properties filled by samples: string {@code "Oslo"},
 *       number {@code 1}, boolean {@code true}. After a tool result the model answers in text.</li>
 * </ul>
 *
 * <p>This module deliberately depends on no other Aideon module: the fakes model the providers, not the gateway.
 */
package ai.aideon.testkit;
