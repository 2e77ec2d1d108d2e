package ai.aideon.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times in the store are epoch milliseconds, UTC: one representation for both dialects. */
final class Epoch {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private Epoch() {
    }

    static long millis(Instant instant) {
        return instant.toEpochMilli();
    }

    static Instant instant(long millis) {
        return Instant.ofEpochMilli(millis);
    }

    /** The UTC calendar day, yyyy-MM-dd, that reports group by. */
    static String utcDay(Instant instant) {
        return DAY.format(instant);
    }
}
