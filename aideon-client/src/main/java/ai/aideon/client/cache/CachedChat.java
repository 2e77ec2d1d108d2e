package ai.aideon.client.cache;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.Usage;
import ai.aideon.core.catalog.ModelSpec;

import java.time.Instant;

/**
 * A stored chat answer and where it came from.
 *
 * @param served   the model that computed it (reported as {@code x-aideon-model} on hits)
 * @param usage    what computing it used; a hit reports it in the body but spends none of it
 * @param storedAt when it was computed (for the age header and TTL)
 */
public record CachedChat(ChatResponse response, ModelSpec served, Usage usage, Instant storedAt) {

    /** Roughly what the entry holds in memory: its text (two bytes a char) and a fixed overhead per choice. */
    long approximateBytes() {
        long bytes = 512;
        for (ChatChoice c : response.choices()) {
            bytes += 128 + 2L * c.message().text().length();
            for (ToolCall t : c.message().toolCalls()) {
                bytes += 128 + 2L * (t.argumentsJson() == null ? 0 : t.argumentsJson().length());
            }
        }
        return bytes;
    }
}
