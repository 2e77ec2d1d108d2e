package ai.aideon.core.route;

/**
 * What happened on one try of one candidate. {@code outcome} is {@code ok} or the short cause of the failure
 * ({@code 503}, {@code timeout}, {@code breaker_open}, {@code quality(0.42)}).
 */
public record Attempt(String provider, String modelId, String outcome, long latencyMillis) {
    public boolean ok() {
        return "ok".equals(outcome);
    }
}
