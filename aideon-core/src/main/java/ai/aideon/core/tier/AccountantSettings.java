package ai.aideon.core.tier;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link Accountant} leases from the {@link AllowanceStore}.
 *
 * @param leaseTtl       how long a lease lives without renewal; the heartbeat renews every {@code leaseTtl / 3},
 *                       and a lease with less than {@code leaseTtl / 3} left is no longer drawn from
 * @param sliceFraction  share of a limit's {@code max} a new lease asks for (0.10 = a tenth of the budget)
 * @param minSliceFactor a new lease asks for at least this many times the request's need, so a burst of
 *                       similar requests does not lease once per request
 */
public record AccountantSettings(Duration leaseTtl, double sliceFraction, long minSliceFactor) {

    public AccountantSettings {
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        if (leaseTtl.isNegative() || leaseTtl.toMillis() < 3) {
            throw new IllegalArgumentException("leaseTtl must be at least 3 ms: " + leaseTtl);
        }
        if (!(sliceFraction >= 0 && sliceFraction <= 1)) {
            throw new IllegalArgumentException("sliceFraction must be in [0, 1]: " + sliceFraction);
        }
        if (minSliceFactor < 1) {
            throw new IllegalArgumentException("minSliceFactor must be >= 1: " + minSliceFactor);
        }
    }

    /** 30 s leases, slices of a tenth of the limit or four times the need, whichever is larger. */
    public static AccountantSettings defaults() {
        return new AccountantSettings(Duration.ofSeconds(30), 0.10, 4);
    }

    /** What a new lease asks for: {@code max(need, minSliceFactor × need, ⌈sliceFraction × max⌉)}, at most {@code max}. */
    long sliceFor(long need, long max) {
        long byFactor = need > Long.MAX_VALUE / minSliceFactor ? Long.MAX_VALUE : need * minSliceFactor;
        long byFraction = (long) Math.min(Long.MAX_VALUE, Math.ceil(sliceFraction * max));
        return Math.min(max, Math.max(need, Math.max(byFactor, byFraction)));
    }

    /** A lease with less than this left is not drawn from. */
    Duration freshness() {
        return leaseTtl.dividedBy(3);
    }
}
