package ai.aideon.core.tier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PeriodTest {

    @Test
    void windowsAreUtcDaysAndCalendarMonths() {
        Instant now = Instant.parse("2024-02-29T23:59:59.999Z");

        assertThat(Period.DAY.windowStart(now)).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
        assertThat(Period.DAY.windowEnd(now)).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        assertThat(Period.MONTH.windowStart(now)).isEqualTo(Instant.parse("2024-02-01T00:00:00Z"));
        assertThat(Period.MONTH.windowEnd(now)).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        assertThat(Period.MONTH.windowEnd(Instant.parse("2025-12-31T12:00:00Z")))
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(Period.DAY.windowStart(Instant.parse("2025-03-04T00:00:00Z")))
                .as("a window's first instant belongs to it").isEqualTo(Instant.parse("2025-03-04T00:00:00Z"));
        assertThat(Period.DAY.windowStart(Instant.parse("1969-12-31T23:00:00Z")))
                .isEqualTo(Instant.parse("1969-12-31T00:00:00Z"));
    }

    @Test
    void theArithmeticAgreesWithTheCalendarEverywhere() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            Instant now = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 5_000_000_000L),
                    random.nextInt(1_000_000_000));
            for (Period p : Period.values()) {
                assertThat(p.windowStart(now)).as("%s start of %s", p, now).isEqualTo(calendarStart(p, now));
                assertThat(p.windowEnd(now)).as("%s end of %s", p, now).isEqualTo(calendarEnd(p, now));
            }
        }
    }

    /** The reference: what the ZonedDateTime calendar says. */
    private static Instant calendarStart(Period p, Instant now) {
        LocalDate d = now.atZone(ZoneOffset.UTC).toLocalDate();
        return (p == Period.DAY ? d : d.withDayOfMonth(1)).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static Instant calendarEnd(Period p, Instant now) {
        ZonedDateTime start = calendarStart(p, now).atZone(ZoneOffset.UTC);
        return (p == Period.DAY ? start.plusDays(1) : start.plusMonths(1)).toInstant();
    }
}
