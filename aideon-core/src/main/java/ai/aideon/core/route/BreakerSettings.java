package ai.aideon.core.route;

import java.time.Duration;

/**
 * Circuit-breaker tuning shared by every provider+model breaker in {@link HealthRegistry}.
 *
 * @param windowSize           the last N calls the failure rate is computed over (count-based window)
 * @param failureRatePercent   open when at least this share of the window failed
 * @param minimumCalls         no verdict before this many calls: two early failures must not open a breaker
 * @param openWait             how long an open breaker refuses calls before letting trial calls through
 * @param halfOpenCalls        trial calls allowed in half-open; their outcome closes or re-opens the breaker
 */
public record BreakerSettings(int windowSize, float failureRatePercent, int minimumCalls, Duration openWait,
                              int halfOpenCalls) {

    public BreakerSettings {
        if (windowSize < 1 || minimumCalls < 1 || halfOpenCalls < 1) {
            throw new IllegalArgumentException("breaker window, minimum calls and half-open calls must be >= 1");
        }
        if (failureRatePercent <= 0 || failureRatePercent > 100) {
            throw new IllegalArgumentException("failureRatePercent must be in (0, 100]");
        }
        if (openWait.isNegative() || openWait.isZero()) {
            throw new IllegalArgumentException("openWait must be positive");
        }
    }

    public static BreakerSettings defaults() {
        return new BreakerSettings(10, 50f, 5, Duration.ofSeconds(30), 2);
    }
}
