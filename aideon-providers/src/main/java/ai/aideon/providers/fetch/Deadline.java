package ai.aideon.providers.fetch;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one time limit for a whole fetch: lookup, connect, handshake, every redirect and every body byte. Socket read
 * timeouts bound single reads, so a server dribbling a byte a second would never trip them; instead a watchdog
 * closes the connection when the deadline passes, which ends whatever read or handshake is blocked on it.
 */
final class Deadline {
    private static final ScheduledThreadPoolExecutor WATCHDOG = createWatchdog();

    private final long expiresAtNanos;
    private volatile boolean fired;

    private Deadline(long expiresAtNanos) {
        this.expiresAtNanos = expiresAtNanos;
    }

    static Deadline after(Duration limit) {
        return new Deadline(System.nanoTime() + limit.toNanos());
    }

    long remainingNanos() {
        return expiresAtNanos - System.nanoTime();
    }

    /** Whether the time is up — also true when the watchdog has closed a connection, so callers can tell why. */
    boolean expired() {
        return fired || remainingNanos() <= 0;
    }

    /** Remaining time as a socket timeout (at least 1 ms, since 0 means "forever"); throws once expired. */
    int remainingMillis() throws SocketTimeoutException {
        long nanos = remainingNanos();
        if (nanos <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos)));
    }

    /** Closes {@code connection} when the deadline passes; close the returned handle once done with it. */
    Closeable closeOnExpiry(Closeable connection) {
        Future<?> task = WATCHDOG.schedule(() -> {
            fired = true;
            try {
                connection.close();
            } catch (IOException ignored) {
                // Closing is all we wanted; the blocked reader sees the failure.
            }
        }, Math.max(0, remainingNanos()), TimeUnit.NANOSECONDS);
        return () -> task.cancel(false);
    }

    private static ScheduledThreadPoolExecutor createWatchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "aideon-image-fetch-deadline");
            thread.setDaemon(true);
            return thread;
        });
        // Most fetches finish well before their deadline; cancelled tasks should not pile up in the queue.
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
