package ai.aideon.core.route;

import java.time.Duration;

/** Waits between retries. Injected so tests record the waits instead of spending them. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration d) throws InterruptedException;

    /** Real waiting on the current (virtual) thread. */
    static Sleeper system() {
        return d -> {
            if (!d.isNegative() && !d.isZero()) {
                Thread.sleep(d);
            }
        };
    }
}
