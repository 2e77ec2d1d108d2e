package ai.aideon.providers.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A response body that closes itself when the upstream goes quiet or the call's deadline passes. The HTTP client's
 * read timeout bounds each socket read, not a whole body: a body that trickles in would outlast the deadline. A
 * watchdog task closes the underlying stream (and so the connection), which unblocks the reader;
 * {@link #timedOut()} then tells the reader that the EOF or IOException it saw was our doing, so it reports TIMEOUT
 * rather than a broken connection.
 *
 * <p>Idle mode restarts the clock whenever bytes arrive (streams); deadline mode does not (whole non-stream
 * calls). Reads only store a timestamp; the task re-arms itself lazily, so there is no per-read scheduling cost.
 */
public final class WatchedInputStream extends InputStream {
    private static final ScheduledThreadPoolExecutor SCHEDULER = createScheduler();

    private final InputStream in;
    private final long timeoutNanos;
    private final boolean idle;
    private volatile long lastProgressNanos;
    private volatile boolean timedOut;
    private volatile boolean closed;
    private volatile ScheduledFuture<?> task;

    private WatchedInputStream(InputStream in, Duration timeout, boolean idle) {
        this.in = in;
        this.timeoutNanos = Math.max(1, timeout.toNanos());
        this.idle = idle;
        this.lastProgressNanos = System.nanoTime();
        arm(timeoutNanos);
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
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
        in.close();
    }

    private void arm(long delayNanos) {
        task = SCHEDULER.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
        if (closed) {
            return;
        }
        long quietFor = System.nanoTime() - lastProgressNanos;
        if (quietFor < timeoutNanos) {
            arm(timeoutNanos - quietFor);
            return;
        }
        timedOut = true;
        try {
            in.close();
        } catch (IOException ignored) {
            // Closing is how we unblock the reader; a failure to close changes nothing for it.
        }
    }

    private static ScheduledThreadPoolExecutor createScheduler() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "aideon-body-watchdog");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }
}
