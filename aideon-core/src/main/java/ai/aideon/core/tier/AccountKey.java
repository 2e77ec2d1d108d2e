package ai.aideon.core.tier;

import java.time.Instant;

/** One counter in the store: a tenant's use of one meter in one period window. */
public record AccountKey(String tenantId, Meter meter, Period period, Instant windowStart) {
    /** Stable text form, used as the store's primary key. */
    public String id() {
        return tenantId + "|" + meter.wire() + "|" + period.wire() + "|" + windowStart.getEpochSecond();
    }
}
