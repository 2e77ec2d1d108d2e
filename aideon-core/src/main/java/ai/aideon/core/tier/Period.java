package ai.aideon.core.tier;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

/** Calendar windows for quotas and budgets, in UTC: a day starts at 00:00Z, a month on the 1st at 00:00Z. */
public enum Period {
    DAY, MONTH;

    public Instant windowStart(Instant now) {
        LocalDate d = now.atZone(ZoneOffset.UTC).toLocalDate();
        return (this == DAY ? d : d.withDayOfMonth(1)).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** When the window containing {@code now} ends (= when a limit hit in it resets). */
    public Instant windowEnd(Instant now) {
        ZonedDateTime start = windowStart(now).atZone(ZoneOffset.UTC);
        return (this == DAY ? start.plusDays(1) : start.plusMonths(1)).toInstant();
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
