package ai.aideon.core.tier;

import java.time.Instant;

/**
 * A request would pass a quota or budget. The gateway refuses it before any upstream call: a COST_MICROS limit
 * is 402 {@code budget_exceeded}, any other is 429 {@code quota_exceeded}, both with the reset time.
 */
public final class LimitExceededException extends Exception {
    private final Limit limit;
    private final long needed;
    private final long remaining;
    private final Instant resetsAt;

    public LimitExceededException(Limit limit, long needed, long remaining, Instant resetsAt) {
        super(limit.meter().wire() + " limit of " + limit.max() + " per " + limit.period().wire() + " reached ("
                + "this request needs up to " + needed + ", " + remaining + " left); resets at " + resetsAt,
                null, false, false);
        this.limit = limit;
        this.needed = needed;
        this.remaining = remaining;
        this.resetsAt = resetsAt;
    }

    public Limit limit() {
        return limit;
    }

    public long needed() {
        return needed;
    }

    public long remaining() {
        return remaining;
    }

    public Instant resetsAt() {
        return resetsAt;
    }

    public boolean isBudget() {
        return limit.meter() == Meter.COST_MICROS;
    }
}
