package ai.aideon.core.tier;

/** One ceiling: at most {@code max} of {@code meter} per {@code period}. A budget is a COST_MICROS limit. */
public record Limit(Meter meter, Period period, long max) {
    public Limit {
        if (max < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + max);
        }
    }

    public boolean sameSlot(Limit other) {
        return meter == other.meter && period == other.period;
    }
}
