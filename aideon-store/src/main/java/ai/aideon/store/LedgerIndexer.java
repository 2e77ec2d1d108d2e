package ai.aideon.store;

import ai.aideon.core.tier.UsageRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies journaled ledger rows into the database, in large batches, on a thread of its own: the request path pays
 * for a journal write, and the database's per-commit work (B-tree pages, WAL frames, lease updates) is shared by
 * everything that arrived within {@link #LINGER}. Rows reach the database in journal order; after each batch the
 * journal may drop the segments the database now holds.
 *
 * <p>A failed batch is retried, with back-off, until it commits: its rows are durable in the journal and must not
 * be skipped. While the database refuses, rows queue in memory up to {@link #MAX_QUEUED}; beyond that
 * {@link #submit} refuses, so requests fail as "ledger unavailable" instead of the process running out of memory.
 */
final class LedgerIndexer implements AutoCloseable {

    /**
     * How long rows wait to be batched: a commit rewrites the last page of the table and of each index, so fewer,
     * larger commits cost less per row. Longer is not cheaper overall: measured on the bench VM at ~10k rows/s (CPU
     * per thread from /proc), 1 s cut the indexer's CPU per row by ~20% but the rows it kept waiting survived young
     * collections, and the garbage collector's extra work cost as much again. Bounds how stale the database is;
     * queries that must not miss a row {@link #sync} first, which does not wait.
     */
    static final Duration LINGER = Duration.ofMillis(100);
    /** Rows per indexing transaction at most: one transaction holds what arrives within a linger at ~40k rows/s. */
    static final int INDEX_BATCH = 4096;
    static final int MAX_QUEUED = 200_000;
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Logger LOG = LoggerFactory.getLogger(LedgerIndexer.class);

    private final Database database;
    /** Told the sequence number of the last row in the database after each batch. */
    private final LongConsumer indexedThrough;
    /**
     * Rows submitted and not yet taken by the indexer, guarded by {@code this}. A list swapped whole instead of a
     * concurrent queue: a submit is one add under an uncontended monitor (no queue node, no CAS on a tail that the
     * indexer's polls keep moving to its own core), and the indexer takes everything in one swap per batch.
     */
    private List<UsageRow> submittedRows = new ArrayList<>();
    /** The indexer's rows taken from {@link #submittedRows} and not yet in a batch (its thread only). */
    private List<UsageRow> taken = new ArrayList<>();
    private int takenFrom;
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong indexed = new AtomicLong();
    private final ConcurrentLinkedQueue<Thread> syncWaiters = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closing;
    private volatile Throwable lastFailure;

    /** Where the rows go: one transaction per call, which inserts all the rows or none. */
    @FunctionalInterface
    interface Database {
        /**
         * Commits {@code rows}, in journal order. {@code retry}: an earlier call with these rows failed, and may
         * have committed them all the same (a commit that fails as it returns), so rows already there are skipped.
         */
        void write(List<UsageRow> rows, boolean retry) throws Exception;
    }

    LedgerIndexer(Database database, LongConsumer indexedThrough, String name) {
        this.database = database;
        this.indexedThrough = indexedThrough;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    /**
     * Queues rows already journaled. Called in journal order by one thread at a
     * time (under the group commit's lock).
     */
    void submit(List<UsageRow> rows) {
        synchronized (this) {
            for (UsageRow row : rows) { // not addAll: that copies the list into a new array first
                submittedRows.add(row);
            }
        }
        submitted.addAndGet(rows.size());
    }

    /** Whether the database keeps up: false while more than {@link #MAX_QUEUED} rows wait. */
    boolean hasRoom(int rows) {
        return submitted.get() - indexed.get() + rows <= MAX_QUEUED;
    }

    /** Returns once every row submitted before the call is in the database. */
    void sync() {
        long target = submitted.get();
        if (indexed.get() >= target) {
            return;
        }
        Thread self = Thread.currentThread();
        syncWaiters.add(self);
        try {
            LockSupport.unpark(thread);
            long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
            while (indexed.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || thread.getState() == Thread.State.TERMINATED) {
                    Throwable cause = lastFailure;
                    throw new StoreException("the ledger's database is " + (target - indexed.get())
                            + " rows behind its journal" + (cause == null ? "" : ": " + cause.getMessage()), cause);
                }
                LockSupport.parkNanos(this, left);
            }
        } finally {
            syncWaiters.remove(self);
        }
    }

    /** Indexes every queued row, then stops the thread. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(SYNC_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when every submitted row is in the database (so the journal holds nothing the database lacks). */
    boolean caughtUp() {
        return indexed.get() == submitted.get();
    }

    /** Moves submitted rows, oldest first, into {@code batch} up to {@link #INDEX_BATCH}. Indexer thread only. */
    private void fill(List<UsageRow> batch) {
        if (takenFrom == taken.size()) {
            taken.clear();
            takenFrom = 0;
            List<UsageRow> empty = taken;
            synchronized (this) {
                taken = submittedRows;
                submittedRows = empty;
            }
        }
        int n = Math.min(INDEX_BATCH - batch.size(), taken.size() - takenFrom);
        batch.addAll(taken.subList(takenFrom, takenFrom + n));
        takenFrom += n;
    }

    private void run() {
        List<UsageRow> batch = new ArrayList<>(INDEX_BATCH);
        long backoff = 0;
        while (true) {
            if (batch.isEmpty()) {
                // Linger so that one commit carries many rows, unless a batch is full or somebody waits for it.
                boolean batchFull = submitted.get() - indexed.get() >= INDEX_BATCH;
                if (!closing && syncWaiters.isEmpty() && !batchFull) {
                    LockSupport.parkNanos(this, LINGER.toNanos());
                }
                fill(batch);
                if (batch.isEmpty()) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
            }
            try {
                database.write(batch, backoff != 0);
            } catch (Throwable e) { // keep the rows and retry: they are durable only in the journal
                lastFailure = e;
                backoff = backoff == 0 ? TimeUnit.MILLISECONDS.toNanos(50) : Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                LOG.error("indexing {} ledger rows into the database failed; they stay in the journal and are "
                        + "retried in {} ms", batch.size(), TimeUnit.NANOSECONDS.toMillis(backoff), e);
                if (closing && backoff >= MAX_BACKOFF_NANOS) {
                    return; // shutting down against a dead database: the journal keeps the rows for the next open
                }
                LockSupport.parkNanos(this, backoff);
                continue;
            }
            backoff = 0;
            lastFailure = null;
            long through = indexed.addAndGet(batch.size());
            batch.clear();
            indexedThrough.accept(through);
            syncWaiters.forEach(LockSupport::unpark);
        }
    }
}
