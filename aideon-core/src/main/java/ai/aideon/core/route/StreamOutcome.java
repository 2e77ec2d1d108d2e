package ai.aideon.core.route;

import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.provider.ChatStream;

import java.util.List;

/**
 * An opened stream whose first chunk has already arrived (so the route is final and headers may be sent).
 * {@code stream} replays that first chunk, then continues with the upstream's. From here on there is no fallback:
 * a failure from {@code stream.next()} must reach the client as an error event.
 */
public record StreamOutcome(ChatStream stream, ModelSpec served, List<Attempt> attempts, String routeHeader) {
    public StreamOutcome {
        attempts = List.copyOf(attempts);
    }
}
