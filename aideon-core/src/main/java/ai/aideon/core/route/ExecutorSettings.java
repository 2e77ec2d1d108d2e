package ai.aideon.core.route;

import java.time.Duration;

/**
 * Retry and fallback tuning for {@link ChatExecutor}.
 *
 * @param retriesPerCandidate         extra tries of one candidate after a retryable failure (0 = fall back at once)
 * @param criticalRetriesPerCandidate the same when the request's role is {@code critical}
 * @param baseBackoff                 first backoff cap; doubles per retry (full jitter below the cap)
 * @param maxBackoff                  the cap never grows beyond this
 * @param maxRetryAfter               an upstream Retry-After longer than this is not waited for: we fall back
 *                                    instead, since another provider answers sooner than a long wait
 * @param callTimeout                 how long one provider call may take; handed to the provider in {@link
 *                                    ai.aideon.core.provider.ChatCall}
 * @param qualityThreshold            a quality-gate score below this sends the request on (role {@code quality})
 */
public record ExecutorSettings(int retriesPerCandidate, int criticalRetriesPerCandidate, Duration baseBackoff,
                               Duration maxBackoff, Duration maxRetryAfter, Duration callTimeout,
                               double qualityThreshold) {

    public ExecutorSettings {
        if (retriesPerCandidate < 0 || criticalRetriesPerCandidate < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
        if (baseBackoff.isNegative() || maxBackoff.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("backoff durations must not be negative");
        }
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive");
        }
        if (qualityThreshold < 0 || qualityThreshold > 1) {
            throw new IllegalArgumentException("qualityThreshold must be in 0..1");
        }
    }

    public static ExecutorSettings defaults() {
        return new ExecutorSettings(1, 3, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(120), 0.8);
    }
}
