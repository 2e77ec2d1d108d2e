package ai.aideon.providers.http;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long an upstream asks us to wait. Precedence follows openai-python: {@code retry-after-ms}, then
 * {@code Retry-After} (delta-seconds or HTTP-date), then Together's {@code x-ratelimit-reset} (seconds, or a
 * Go-style duration such as {@code 1s} / {@code 6m0s} as OpenAI's reset headers use).
 */
public final class RetryAfter {
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|µs|ns|h|m|s)");

    private RetryAfter() {
    }

    public static Duration parse(ResponseHeaders headers, Clock clock) {
        if (headers == null) {
            return null;
        }
        Duration d = headers.first("retry-after-ms").map(RetryAfter::millis).orElse(null);
        if (d == null) {
            d = headers.first("retry-after").map(v -> secondsOrDate(v, clock)).orElse(null);
        }
        if (d == null) {
            d = headers.first("x-ratelimit-reset").map(RetryAfter::secondsOrGoDuration).orElse(null);
        }
        return d;
    }

    static Duration millis(String v) {
        try {
            return nonNegative(Duration.ofNanos(new BigDecimal(v.trim()).movePointRight(6).longValue()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Duration secondsOrDate(String v, Clock clock) {
        Duration seconds = seconds(v);
        if (seconds != null) {
            return seconds;
        }
        try {
            Instant at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return nonNegative(Duration.between(clock.instant(), at));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static Duration secondsOrGoDuration(String v) {
        Duration seconds = seconds(v);
        return seconds != null ? seconds : goDuration(v);
    }

    private static Duration seconds(String v) {
        try {
            return nonNegative(Duration.ofNanos(new BigDecimal(v.trim()).movePointRight(9).longValue()));
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static Duration goDuration(String v) {
        String s = v.trim();
        Matcher m = GO_DURATION_PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int consumed = 0;
        while (m.find()) {
            if (m.start() != consumed) {
                return null;
            }
            consumed = m.end();
            BigDecimal n = new BigDecimal(m.group(1));
            nanos = nanos.add(switch (m.group(2)) {
                case "h" -> n.movePointRight(9).multiply(BigDecimal.valueOf(3600));
                case "m" -> n.movePointRight(9).multiply(BigDecimal.valueOf(60));
                case "s" -> n.movePointRight(9);
                case "ms" -> n.movePointRight(6);
                case "us", "µs" -> n.movePointRight(3);
                default -> n;
            });
        }
        return consumed == 0 || consumed != s.length() ? null : nonNegative(Duration.ofNanos(nanos.longValue()));
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
