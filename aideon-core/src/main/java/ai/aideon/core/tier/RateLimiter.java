package ai.aideon.core.tier;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-tenant requests-per-minute and tokens-per-minute limits ({@link Principal#requestsPerMinute()},
 * {@link Principal#tokensPerMinute()}; 0 = unlimited), as Bucket4j token buckets with greedy refill: a limit of
 * 60 per minute gives back one every second, and a full bucket allows a burst of the whole minute's amount.
 *
 * <p><b>The limits are per instance.</b> Each gateway instance keeps its own buckets in memory, so N instances
 * behind a load balancer let a tenant through up to N times its limit. When scaling out, configure each instance
 * with the tenant's limit divided by the instance count (or put the load balancer's stickiness on the tenant).
 * That is the honest first step; quotas and budgets, unlike rates, are global ({@link Accountant}).
 *
 * <p>Buckets are created lazily per tenant and rebuilt (full) when the tenant's limits change. Time comes from the
 * injected {@link Clock}, so tests move time by hand. Thread-safe and lock-free (Bucket4j's default CAS strategy,
 * which does not pin virtual threads).
 */
public final class RateLimiter {

    private final TimeMeter time;
    private final ConcurrentHashMap<String, Buckets> buckets = new ConcurrentHashMap<>();

    public RateLimiter(Clock clock) {
        this.time = new ClockTimeMeter(Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Takes one request and {@code tokens} tokens from the tenant's buckets, or neither: when the token bucket
     * refuses, the request taken a moment before is given back.
     *
     * <p>A request asking for more tokens than the whole per-minute limit is counted as the whole limit (it passes
     * only when the bucket is full, and empties it); refusing it would refuse it forever.
     *
     * @param tokens the tokens to count for this request (e.g. its prompt plus {@code max_tokens}); 0 counts none
     * @throws RateLimitedException {@code "requests"} or {@code "tokens"}, with when to retry
     */
    public void acquire(Principal p, long tokens) throws RateLimitedException {
        Objects.requireNonNull(p, "principal");
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must not be negative: " + tokens);
        }
        if (p.requestsPerMinute() <= 0 && p.tokensPerMinute() <= 0) {
            return;
        }
        Buckets b = bucketsFor(p);
        if (b.requests != null) {
            ConsumptionProbe probe = b.requests.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                throw new RateLimitedException("requests", Duration.ofNanos(probe.getNanosToWaitForRefill()));
            }
        }
        if (b.tokens != null && tokens > 0) {
            ConsumptionProbe probe = b.tokens.tryConsumeAndReturnRemaining(Math.min(tokens, b.tpm));
            if (!probe.isConsumed()) {
                if (b.requests != null) {
                    b.requests.addTokens(1);
                }
                throw new RateLimitedException("tokens", Duration.ofNanos(probe.getNanosToWaitForRefill()));
            }
        }
    }

    /**
     * Gives back tokens counted by {@link #acquire} but not used (e.g. the request reserved {@code max_tokens} and
     * used fewer). Optional; never fills a bucket above its limit.
     */
    public void refundTokens(Principal p, long tokens) {
        if (tokens <= 0 || p.tokensPerMinute() <= 0) {
            return;
        }
        Buckets b = buckets.get(p.tenantId());
        if (b != null && b.tokens != null && b.tpm == p.tokensPerMinute()) {
            b.tokens.addTokens(tokens);
        }
    }

    /**
     * Counts tokens known only after the answer (the completion) without refusing anything: the bucket may go
     * into debt, which delays the tenant's next requests. This keeps tokens-per-minute honest without reserving
     * a worst case that would refuse most requests that set no {@code max_tokens}.
     */
    public void chargeTokens(Principal p, long tokens) {
        if (tokens <= 0 || p.tokensPerMinute() <= 0) {
            return;
        }
        Buckets b = bucketsFor(p);
        if (b.tokens != null) {
            b.tokens.consumeIgnoringRateLimits(tokens);
        }
    }

    private Buckets bucketsFor(Principal p) {
        long rpm = Math.max(0, p.requestsPerMinute());
        long tpm = Math.max(0, p.tokensPerMinute());
        Buckets b = buckets.get(p.tenantId());
        if (b != null && b.rpm == rpm && b.tpm == tpm) {
            return b;
        }
        return buckets.compute(p.tenantId(), (id, old) ->
                old != null && old.rpm == rpm && old.tpm == tpm ? old : new Buckets(rpm, tpm, time));
    }

    private static final class Buckets {
        final long rpm;
        final long tpm;
        final Bucket requests;
        final Bucket tokens;

        Buckets(long rpm, long tpm, TimeMeter time) {
            this.rpm = rpm;
            this.tpm = tpm;
            this.requests = limited(rpm) ? perMinute(rpm, time) : null;
            this.tokens = limited(tpm) ? perMinute(tpm, time) : null;
        }

        /**
         * 0 means unlimited, and so does anything above Bucket4j's highest refill rate (1 per nanosecond, 6·10¹⁰
         * per minute): no tenant can reach it, and Bucket4j would refuse to build such a bucket.
         */
        private static boolean limited(long perMinute) {
            return perMinute > 0 && perMinute <= MAX_PER_MINUTE;
        }

        private static final long MAX_PER_MINUTE = 60_000_000_000L;

        private static Bucket perMinute(long perMinute, TimeMeter time) {
            return Bucket.builder()
                    .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                    .withCustomTimePrecision(time)
                    .build();
        }
    }

    /**
     * Bucket4j time from a {@link Clock}: nanoseconds since the epoch (fits a long until 2262), counted in whole
     * milliseconds. The system clock's {@code millis()} is {@link System#currentTimeMillis()}, an intrinsic, where
     * {@code instant()} is a native call plus an {@link Instant} (~0.25 µs of every request in the bench's profile,
     * read twice or more per request); per-minute limits need nothing finer than a millisecond.
     */
    private record ClockTimeMeter(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            return clock.millis() * 1_000_000L;
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
