/**
 * HTTP plumbing shared by the network adapters: one HTTP/1.1 client per provider instance, SSE and NDJSON readers
 * that parse straight from the receive buffer, a body watchdog for idle/deadline timeouts, and the mapping of every
 * upstream failure (status, body shape, headers, transport errors) to {@code ProviderException} with keys redacted.
 */
package ai.aideon.providers.http;
