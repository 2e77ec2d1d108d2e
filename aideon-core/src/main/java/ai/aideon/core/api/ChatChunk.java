package ai.aideon.core.api;

import java.util.List;

/**
 * One canonical stream event. A chunk carries deltas, or usage, or both (some upstreams put usage on the last
 * delta chunk). The gateway re-frames chunks for the client, so upstream ids and timestamps are not kept here.
 */
public record ChatChunk(List<ChoiceDelta> choices, Usage usage) {
    public ChatChunk {
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    public static ChatChunk of(ChoiceDelta delta) {
        return new ChatChunk(List.of(delta), null);
    }

    public static ChatChunk usageOnly(Usage usage) {
        return new ChatChunk(List.of(), usage);
    }
}
