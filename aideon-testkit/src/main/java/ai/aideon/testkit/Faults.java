package ai.aideon.testkit;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Faults waiting for the next requests of one {@link FakeUpstream}, any path.
 *
 * <p>One-shot faults queued with {@link #next} are used first, in FIFO order, each by exactly one request;
 * when the queue is empty the {@link #always} fault (if any) applies. A single lock keeps "take the next fault"
 * atomic when many connections race, so {@code next(3, f)} fails exactly three requests.
 */
public final class Faults {

    private static final class Pending {
        final Fault fault;
        int remaining;

        Pending(Fault fault, int remaining) {
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private Fault always;

    Faults() {}

    /** The next request gets {@code fault}. */
    public Faults next(Fault fault) {
        return next(1, fault);
    }

    /** The next {@code times} requests (after those already queued) get {@code fault}. */
    public synchronized Faults next(int times, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        if (times < 1) throw new IllegalArgumentException("times must be >= 1");
        queue.addLast(new Pending(fault, times));
        return this;
    }

    /** Every request gets {@code fault} (after any queued one-shot faults) until {@link #clear()}. */
    public synchronized Faults always(Fault fault) {
        this.always = Objects.requireNonNull(fault, "fault");
        return this;
    }

    /** Drops queued and permanent faults. */
    public synchronized Faults clear() {
        queue.clear();
        always = null;
        return this;
    }

    /** Takes the fault for the request being handled now, or null for a normal answer. */
    synchronized Fault take() {
        Pending head = queue.peekFirst();
        if (head == null) return always;
        if (--head.remaining == 0) queue.removeFirst();
        return head.fault;
    }
}
