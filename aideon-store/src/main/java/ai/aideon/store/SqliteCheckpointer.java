package ai.aideon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies SQLite's WAL back into the database file from a thread of its own, so that commits never do it.
 *
 * <p>By default SQLite checkpoints inside the COMMIT that pushes the WAL past 1000 pages: that request then waits
 * for two fsyncs (WAL, database) and the page copy — milliseconds, every couple of hundred ledger commits, and far
 * more on a throttled cloud disk. Here the store's writers set {@code wal_autocheckpoint} to
 * {@link #WRITER_AUTOCHECKPOINT_PAGES} (a safety net only), and this thread runs a PASSIVE checkpoint every
 * {@link #INTERVAL}: PASSIVE takes no writer lock and waits on nobody, so commits go on beside it; the WAL is
 * reused from its start once a checkpoint has caught up. It changes nothing about what a commit guarantees.
 */
final class SqliteCheckpointer implements AutoCloseable {

    /**
     * Between checkpoints: bounds the WAL to what the writers produce in this time (a few MB at full load). Each
     * checkpoint copies pages and fsyncs the database file; the ledger's durable log is its journal, and the database
     * receives rows in batches, so once a second is plenty (every 100 ms cost the metered gateway ~25 µs of CPU per
     * request at one request at a time on the bench VM).
     */
    static final Duration INTERVAL = Duration.ofMillis(1000);
    /** Writers still checkpoint past this many WAL pages (~40 MB), should this thread fall far behind. */
    static final int WRITER_AUTOCHECKPOINT_PAGES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(SqliteCheckpointer.class);

    private final DataSource source;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    SqliteCheckpointer(DataSource source, String name) {
        this.source = source;
        // A platform thread: the checkpoint's fsyncs run in native code, which would hold a virtual thread's carrier.
        this.thread = Thread.ofPlatform().name("aideon-sqlite-checkpoint-" + name).daemon(true).unstarted(this::run);
        this.thread.start();
    }

    private void run() {
        Connection c = null;
        try {
            while (!stop.await(INTERVAL.toNanos(), TimeUnit.NANOSECONDS)) {
                try {
                    if (c == null) {
                        c = source.getConnection();
                    }
                    checkpoint(c);
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("background WAL checkpoint failed; the writers checkpoint past {} pages meanwhile",
                            WRITER_AUTOCHECKPOINT_PAGES, e);
                    closeQuietly(c);
                    c = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(c);
        }
    }

    private static void checkpoint(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next(); // (busy, WAL pages, pages checkpointed): nothing to act on, a PASSIVE checkpoint never blocks
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // closing is all that was left to do with it
        }
    }

    /** Stops the thread (after the checkpoint in progress, if any). */
    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
