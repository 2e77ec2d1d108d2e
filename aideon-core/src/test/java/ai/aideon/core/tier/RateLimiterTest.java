package ai.aideon.core.tier;

import ai.aideon.testkit.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RateLimiterTest {
    private final ManualClock clock = new ManualClock("2025-03-10T12:00:00Z");
    private final RateLimiter limiter = new RateLimiter(clock);

    private static Principal tenant(String id, long rpm, long tpm) {
        return new Principal(id, id, "k-" + id, "free", List.of(), rpm, tpm, false);
    }

    @Test
    void requestsPerMinuteRefusesWithRetryAfter() throws Exception {
        Principal p = tenant("t1", 3, 0);
        for (int i = 0; i < 3; i++) {
            limiter.acquire(p, 1_000);
        }
        RateLimitedException e = catchThrowableOfType(RateLimitedException.class, () -> limiter.acquire(p, 1));
        assertThat(e.which()).isEqualTo("requests");
        // greedy refill: 3 per minute is one every 20 s
        assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(19), Duration.ofSeconds(20));
        assertThat(e.retryAfterSeconds()).isEqualTo(20);
    }

    @Test
    void tokensPerMinuteRefusalGivesTheRequestBack() throws Exception {
        Principal p = tenant("t1", 2, 100);
        limiter.acquire(p, 80);
        RateLimitedException e = catchThrowableOfType(RateLimitedException.class, () -> limiter.acquire(p, 50));
        assertThat(e.which()).isEqualTo("tokens");
        // 30 tokens missing at 100 per minute
        assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(17), Duration.ofSeconds(18));
        limiter.acquire(p, 10); // the refused request did not use up the second request of the minute
        RateLimitedException next = catchThrowableOfType(RateLimitedException.class, () -> limiter.acquire(p, 1));
        assertThat(next.which()).isEqualTo("requests");
    }

    @Test
    void bucketsRefillAsTheClockMoves() throws Exception {
        Principal p = tenant("t1", 1, 0);
        limiter.acquire(p, 0);
        assertThat(catchThrowableOfType(RateLimitedException.class, () -> limiter.acquire(p, 0))).isNotNull();
        clock.advance(Duration.ofSeconds(30));
        assertThat(catchThrowableOfType(RateLimitedException.class, () -> limiter.acquire(p, 0))).isNotNull();
        clock.advance(Duration.ofSeconds(30));
        assertThatCode(() -> limiter.acquire(p, 0)).doesNotThrowAnyException();
    }

    @Test
    void zeroMeansUnlimited() {
        Principal p = tenant("t1", 0, 0);
        assertThatCode(() -> {
            for (int i = 0; i < 10_000; i++) {
                limiter.acquire(p, 1_000_000);
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void tenantsHaveTheirOwnBuckets() throws Exception {
        limiter.acquire(tenant("t1", 1, 0), 0);
        assertThat(catchThrowableOfType(RateLimitedException.class, () -> limiter.acquire(tenant("t1", 1, 0), 0)))
                .isNotNull();
        assertThatCode(() -> limiter.acquire(tenant("t2", 1, 0), 0)).doesNotThrowAnyException();
    }

    @Test
    void aRequestLargerThanTheMinutesTokensPassesOnlyOnAFullBucket() throws Exception {
        Principal p = tenant("t1", 0, 100);
        limiter.acquire(p, 1_000); // counted as the whole minute
        RateLimitedException e = catchThrowableOfType(RateLimitedException.class, () -> limiter.acquire(p, 1));
        assertThat(e.which()).isEqualTo("tokens");
        assertThat(e.retryAfter()).isPositive();
    }

    @Test
    void changedLimitsTakeEffect() throws Exception {
        limiter.acquire(tenant("t1", 1, 0), 0);
        assertThat(catchThrowableOfType(RateLimitedException.class, () -> limiter.acquire(tenant("t1", 1, 0), 0)))
                .isNotNull();
        assertThatCode(() -> limiter.acquire(tenant("t1", 5, 0), 0)).doesNotThrowAnyException();
    }

    @Test
    void refundedTokensCanBeUsedAgain() throws Exception {
        Principal p = tenant("t1", 0, 100);
        limiter.acquire(p, 100);
        limiter.refundTokens(p, 60);
        assertThatCode(() -> limiter.acquire(p, 60)).doesNotThrowAnyException();
        assertThat(catchThrowableOfType(RateLimitedException.class, () -> limiter.acquire(p, 1))).isNotNull();
    }

    @Test
    void ratesBeyondWhatBucket4jCanRefillMeanUnlimited() throws Exception {
        RateLimiter limiter = new RateLimiter(java.time.Clock.systemUTC());
        Principal huge = new Principal("t-huge", "t", "k", "premium", java.util.List.of(), 1_000_000_000L,
                1_000_000_000_000L, false);
        for (int i = 0; i < 1000; i++) {
            limiter.acquire(huge, 1_000_000);
        }
        limiter.chargeTokens(huge, 5_000_000);
        org.assertj.core.api.Assertions.assertThatCode(() -> limiter.acquire(huge, 1)).doesNotThrowAnyException();
    }
}
