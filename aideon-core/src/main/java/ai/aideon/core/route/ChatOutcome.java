package ai.aideon.core.route;

import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.catalog.ModelSpec;

import java.util.List;

/**
 * A successful non-streaming answer and how we got it.
 *
 * @param routeHeader  value for {@code x-aideon-route}, e.g. {@code local->together:fallback(503)}
 * @param qualityScore 0..1 when the quality gate ran, else null
 */
public record ChatOutcome(ChatResponse response, ModelSpec served, List<Attempt> attempts, String routeHeader,
                          Double qualityScore) {
    public ChatOutcome {
        attempts = List.copyOf(attempts);
    }
}
