package ai.aideon.core.route;

import java.time.Instant;
import java.util.Objects;

/**
 * The latest probe result for one local engine.
 *
 * @param detail    what the probe saw, for people (e.g. {@code connection refused}, {@code Loading model}); never
 *                  a key or a full response body
 * @param checkedAt when the probe finished, from the registry's clock
 */
public record EngineHealth(EngineState state, String detail, Instant checkedAt) {
    public EngineHealth {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(checkedAt, "checkedAt");
    }

    public boolean up() {
        return state == EngineState.UP;
    }
}
