package ai.aideon.core.tier;

import java.time.Duration;
import java.util.Objects;

/**
 * A per-minute rate limit refused the request: 429 {@code rate_limit_exceeded} with {@code Retry-After}.
 * {@code which} is {@code "requests"} or {@code "tokens"}; {@code retryAfter} is when the refused amount will be
 * available again (on this instance; see {@link RateLimiter}).
 */
public final class RateLimitedException extends Exception {
    private final String which;
    private final Duration retryAfter;

    public RateLimitedException(String which, Duration retryAfter) {
        super(which + " per minute limit reached; retry after " + Objects.requireNonNull(retryAfter, "retryAfter"),
                null, false, false);
        this.which = Objects.requireNonNull(which, "which");
        this.retryAfter = retryAfter;
    }

    /** {@code "requests"} or {@code "tokens"}. */
    public String which() {
        return which;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@link #retryAfter()} rounded up to whole seconds, at least 1: the {@code Retry-After} header value. */
    public long retryAfterSeconds() {
        long s = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
        return Math.max(1, s);
    }
}
