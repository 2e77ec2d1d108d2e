package ai.aideon.core.tier;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;

/** Calendar windows for quotas and budgets, in UTC: a day starts at 00:00Z, a month on the 1st at 00:00Z. */
public enum Period {
    DAY, MONTH;

    private static final long DAY_SECONDS = 86_400;

    // Epoch-day arithmetic instead of ZonedDateTime: this runs a few times per metered request. UTC has no offset
    // changes, so a day is always 86 400 s and a month starts on the epoch day of its 1st.

    public Instant windowStart(Instant now) {
        long day = Math.floorDiv(now.getEpochSecond(), DAY_SECONDS);
        if (this == MONTH) {
            day = LocalDate.ofEpochDay(day).withDayOfMonth(1).toEpochDay();
        }
        return Instant.ofEpochSecond(day * DAY_SECONDS);
    }

    /** When the window containing {@code now} ends (= when a limit hit in it resets). */
    public Instant windowEnd(Instant now) {
        long start = windowStart(now).getEpochSecond();
        if (this == DAY) {
            return Instant.ofEpochSecond(start + DAY_SECONDS);
        }
        long nextMonth = LocalDate.ofEpochDay(start / DAY_SECONDS).plusMonths(1).toEpochDay();
        return Instant.ofEpochSecond(nextMonth * DAY_SECONDS);
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
