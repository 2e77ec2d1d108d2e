package ai.aideon.providers.http;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static ResponseHeaders headers(String... nameValues) {
        return TestHeaders.of(nameValues);
    }

    @Test
    void deltaSeconds() {
        assertThat(RetryAfter.parse(headers("Retry-After", "12"), CLOCK)).isEqualTo(Duration.ofSeconds(12));
        assertThat(RetryAfter.parse(headers("retry-after", "1.5"), CLOCK)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void httpDateIsRelativeToTheClock() {
        assertThat(RetryAfter.parse(headers("Retry-After", "Thu, 01 Jan 2026 00:00:30 GMT"), CLOCK))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse(headers("Retry-After", "Wed, 31 Dec 2025 23:00:00 GMT"), CLOCK))
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void millisecondsHeaderWins() {
        assertThat(RetryAfter.parse(headers("retry-after-ms", "250", "retry-after", "9"), CLOCK))
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void togetherResetIsTheFallbackAndMayBeAGoDuration() {
        assertThat(RetryAfter.parse(headers("x-ratelimit-reset", "2"), CLOCK)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryAfter.parse(headers("x-ratelimit-reset", "1m30s"), CLOCK)).isEqualTo(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse(headers("x-ratelimit-reset", "300ms"), CLOCK)).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void garbageAndAbsenceGiveNull() {
        assertThat(RetryAfter.parse(headers("retry-after", "soon"), CLOCK)).isNull();
        assertThat(RetryAfter.parse(headers(), CLOCK)).isNull();
        assertThat(RetryAfter.parse(headers("x-ratelimit-reset", "5x"), CLOCK)).isNull();
    }
}
