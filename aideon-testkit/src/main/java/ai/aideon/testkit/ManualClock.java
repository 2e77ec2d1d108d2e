package ai.aideon.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand, so that leases expire, buckets refill, breakers half-open and cache entries age
 * without sleeping. Safe to read from other threads (the gateway's) while the test moves it.
 */
public final class ManualClock extends Clock {
    private volatile Instant now;

    /** Starts at 2025-01-01T00:00:00Z. */
    public ManualClock() {
        this(Instant.parse("2025-01-01T00:00:00Z"));
    }

    public ManualClock(Instant start) {
        this.now = start;
    }

    /** Starts at an ISO-8601 instant, e.g. {@code "2025-03-04T10:00:00Z"}. */
    public ManualClock(String start) {
        this(Instant.parse(start));
    }

    public void advance(Duration by) {
        now = now.plus(by);
    }

    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
