package ai.aideon.providers.simulator;

import java.time.Duration;

/** How the simulator waits. Injected so tests run without real sleeps. */
@FunctionalInterface
public interface Pause {

    void pause(Duration duration) throws InterruptedException;

    /** Really sleeps (on a virtual thread this parks without holding a carrier). */
    static Pause system() {
        return d -> {
            if (d != null && d.isPositive()) {
                Thread.sleep(d);
            }
        };
    }

    /** Never waits. */
    static Pause none() {
        return d -> { };
    }
}
