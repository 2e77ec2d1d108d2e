package ai.aideon.providers.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A response body that closes itself when the upstream goes quiet or the call's deadline passes. The HTTP client's
 * read timeout bounds each socket read, not a whole body: a body that trickles in would outlast the deadline. A
 * watchdog closes the underlying stream (and so the connection), which unblocks the reader; {@link #timedOut()} then
 * tells the reader that the EOF or IOException it saw was our doing, so it reports TIMEOUT rather than a broken
 * connection.
 *
 * <p>Idle mode restarts the clock whenever bytes arrive (streams); deadline mode does not (whole non-stream
 * calls). Reads only store a timestamp.
 *
 * <p>One watchdog thread looks at every open body each {@link #TICK}, so a timeout fires at most a tick late. It
 * replaced a task scheduled and cancelled per body on a {@code ScheduledThreadPoolExecutor}: its queue lock, its
 * thread's wake-ups and the schedule and cancel calls were ~14% of the gateway's CPU samples on the bench at 16
 * concurrent requests. Opening and closing a body is now an add to and a remove from a concurrent set.
 */
public final class WatchedInputStream extends InputStream {
    /** How often the watchdog looks at the open bodies: timeouts are seconds, a few ms late is nothing. */
    static final Duration TICK = Duration.ofMillis(10);
    private static final Watchdog WATCHDOG = new Watchdog();

    private final InputStream in;
    private final long timeoutNanos;
    private final boolean idle;
    private volatile long lastProgressNanos;
    private volatile boolean timedOut;
    private volatile boolean closed;

    private WatchedInputStream(InputStream in, Duration timeout, boolean idle) {
        this.in = in;
        this.timeoutNanos = Math.max(1, timeout.toNanos());
        this.idle = idle;
        this.lastProgressNanos = System.nanoTime();
        WATCHDOG.watch(this);
    }

    /** Fails when no byte arrives for {@code timeout}. */
    public static WatchedInputStream idle(InputStream in, Duration timeout) {
        return new WatchedInputStream(in, timeout, true);
    }

    /** Fails when the body is not complete within {@code remaining}. */
    public static WatchedInputStream deadline(InputStream in, Duration remaining) {
        return new WatchedInputStream(in, remaining, false);
    }

    public boolean timedOut() {
        return timedOut;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0 && idle) {
            lastProgressNanos = System.nanoTime();
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n > 0 && idle) {
            lastProgressNanos = System.nanoTime();
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        WATCHDOG.forget(this);
        in.close();
    }

    /** The watchdog's look at this body at {@code now}: true when it is done with it (closed, or closed by timeout). */
    private boolean expired(long now) {
        if (closed) {
            return true;
        }
        if (now - lastProgressNanos < timeoutNanos) {
            return false;
        }
        timedOut = true;
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // Closing is how we unblock the reader; a failure to close changes nothing for it.
        }
        return true;
    }

    /**
     * The thread that times bodies out. It sleeps (parks with no timeout) once no body has been open for a second,
     * and the next body wakes it; under steady traffic it only ticks, so opening a body never pays for a wake-up.
     */
    private static final class Watchdog implements Runnable {
        private static final int EMPTY_TICKS_BEFORE_SLEEP = 100;

        private final Set<WatchedInputStream> open = ConcurrentHashMap.newKeySet();
        private final Thread thread;
        /** Set before the thread's last look at {@link #open} ahead of a sleep; {@link #watch} reads it after adding. */
        private volatile boolean asleep;

        Watchdog() {
            thread = Thread.ofPlatform().name("aideon-body-watchdog").daemon(true).unstarted(this);
            thread.start();
        }

        void watch(WatchedInputStream body) {
            open.add(body);
            if (asleep) {
                LockSupport.unpark(thread);
            }
        }

        void forget(WatchedInputStream body) {
            open.remove(body);
        }

        @Override
        public void run() {
            long tickNanos = TICK.toNanos();
            int emptyTicks = 0;
            while (true) {
                if (!open.isEmpty()) {
                    emptyTicks = 0;
                    long now = System.nanoTime();
                    for (WatchedInputStream body : open) {
                        if (body.expired(now)) {
                            open.remove(body);
                        }
                    }
                } else if (++emptyTicks >= EMPTY_TICKS_BEFORE_SLEEP) {
                    // Either watch() sees asleep and unparks us, or we see its body here: never both missed.
                    asleep = true;
                    if (open.isEmpty()) {
                        LockSupport.park(this);
                    }
                    asleep = false;
                    emptyTicks = 0;
                    continue;
                }
                LockSupport.parkNanos(this, tickNanos);
            }
        }
    }
}
