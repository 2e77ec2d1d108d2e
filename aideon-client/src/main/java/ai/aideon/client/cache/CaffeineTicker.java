package ai.aideon.client.cache;

import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/** Caffeine reads time through the engine's {@link Clock}, so tests can expire entries without sleeping. */
final class CaffeineTicker {
    private CaffeineTicker() {
    }

    static Ticker of(Clock clock) {
        return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }
}
