package ai.aideon.store;

import ai.aideon.core.tier.LeaseSpend;
import ai.aideon.core.tier.UsageLedger;
import ai.aideon.core.tier.UsageRow;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger with group commit. Callers enqueue their row and block; one writer thread takes every row waiting
 * (up to {@link #MAX_BATCH}) and commits them in one transaction, together with each row's spends on its
 * leases, then wakes the callers. One durable commit (one fsync) thus serves all the requests that finished
 * meanwhile, and {@link #append} returning means the row is on disk.
 *
 * <p>A failed commit fails every caller of that batch with {@link LedgerUnavailableException}: the response must
 * not be released as a success, and no row is dropped silently.
 */
public final class GroupCommitLedger implements UsageLedger, AutoCloseable {

    /** Rows per transaction at most: bounds one commit's time and the lock it holds. */
    static final int MAX_BATCH = 512;
    /** A caller never waits forever on a wedged database. */
    private static final Duration APPEND_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitLedger.class);

    private static final String INSERT = """
            INSERT INTO usage_ledger (request_id, tenant_id, key_id, tier, route, provider, model, source, attempts,
                prompt_tokens, completion_tokens, requests, tokens, images, audio_seconds, cost_micros, latency_ms,
                status, error_kind, created_at, usage_day)
            VALUES (:requestId, :tenantId, :keyId, :tier, :route, :provider, :model, :source, :attempts,
                :promptTokens, :completionTokens, :requests, :tokens, :images, :audioSeconds, :costMicros,
                :latencyMillis, :status, :errorKind, :createdAt, :usageDay)
            ON CONFLICT (request_id) DO NOTHING""";

    private final Database db;
    private final Clock clock;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Appends hold it shared while enqueueing; close takes it exclusively, so no row slips in after the drain. */
    private final ReadWriteLock admission = new ReentrantReadWriteLock();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong rowsCommitted = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    GroupCommitLedger(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.writer = Thread.ofPlatform().name("aideon-ledger-writer").daemon(true).unstarted(this::drainLoop);
        this.writer.start();
    }

    @Override
    public void append(UsageRow row) throws LedgerUnavailableException {
        // Reject a malformed row here, alone: inside a batch it would fail everyone else's commit too.
        Objects.requireNonNull(row, "row");
        if (row.requestId() == null || row.requestId().isBlank()) {
            throw new IllegalArgumentException("usage row without request id");
        }
        Objects.requireNonNull(row.tenantId(), "usage row without tenant id");
        Objects.requireNonNull(row.usage(), "usage row without usage amounts");
        Pending pending = new Pending(row.createdAt() != null ? row : withCreatedAt(row), new CompletableFuture<>());
        admission.readLock().lock();
        try {
            if (closed) {
                throw new LedgerUnavailableException("ledger is closed", null);
            }
            queue.add(pending);
        } finally {
            admission.readLock().unlock();
        }
        await(pending);
    }

    private UsageRow withCreatedAt(UsageRow r) {
        return new UsageRow(r.requestId(), r.tenantId(), r.keyId(), r.tier(), r.route(), r.provider(), r.model(),
                r.source(), r.attempts(), r.promptTokens(), r.completionTokens(), r.usage(), r.latencyMillis(),
                r.status(), r.errorKind(), clock.instant(), r.spends());
    }

    private static void await(Pending pending) throws LedgerUnavailableException {
        try {
            pending.done().get(APPEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // A fresh exception per caller: the batch's cause is shared, each caller's stack is its own.
            Throwable cause = e.getCause();
            throw new LedgerUnavailableException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            // The row may still commit later; counting it then is the safe direction (never under-billed).
            throw new LedgerUnavailableException("ledger commit timed out after " + APPEND_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerUnavailableException("interrupted while waiting for the ledger commit", e);
        }
    }

    /** Transactions committed so far (each holds one batch of rows). */
    public long commits() {
        return commits.get();
    }

    /** Rows handed to a committed transaction so far, duplicates included. */
    public long rowsCommitted() {
        return rowsCommitted.get();
    }

    /** Batches whose commit failed (their callers got {@link LedgerUnavailableException}). */
    public long failedBatches() {
        return failedBatches.get();
    }

    /** Stops accepting rows, commits every row already queued, then stops the writer. */
    @Override
    public void close() {
        admission.writeLock().lock();
        try {
            closed = true;
        } finally {
            admission.writeLock().unlock();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drainLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            Pending first;
            try {
                first = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // only close() ends the writer, after the queue is empty
            }
            if (first == null) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            commit(batch);
            batch.clear();
        }
    }

    private void commit(List<Pending> batch) {
        try {
            db.inWriteTransaction(h -> {
                write(h, batch);
                return null;
            });
        } catch (Throwable e) { // fail the callers whatever went wrong; the writer itself lives on
            failedBatches.incrementAndGet();
            LOG.error("ledger commit of {} rows failed; their requests are failed", batch.size(), e);
            StoreException failure = new StoreException("ledger commit of " + batch.size() + " rows failed", e);
            batch.forEach(p -> p.done().completeExceptionally(failure));
            return;
        }
        commits.incrementAndGet();
        rowsCommitted.addAndGet(batch.size());
        batch.forEach(p -> p.done().complete(null));
    }

    private void write(Handle h, List<Pending> batch) {
        if (db.dialect() == Dialect.POSTGRESQL) {
            // The ledger's durability must not depend on the server's default: force a flushed commit.
            h.execute("SET LOCAL synchronous_commit = on");
        }
        PreparedBatch insert = h.prepareBatch(INSERT);
        for (Pending p : batch) {
            bind(insert, p.row()).add();
        }
        int[] inserted = insert.execute();
        // A duplicate request id keeps its first row; its spends were applied with that row, not again.
        // (A driver answering SUCCESS_NO_INFO (-2) counts as inserted: over-counting used only lends less.)
        Map<String, Long> spentPerLease = new TreeMap<>(); // sorted: every writer locks leases in the same order
        for (int i = 0; i < batch.size(); i++) {
            if (inserted[i] != 0) {
                for (LeaseSpend spend : batch.get(i).row().spends()) {
                    if (spend.amount() > 0) {
                        spentPerLease.merge(spend.leaseId(), spend.amount(), Long::sum);
                    }
                }
            }
        }
        if (!spentPerLease.isEmpty()) {
            PreparedBatch used = h.prepareBatch("UPDATE leases SET used = used + :amount WHERE id = :id");
            spentPerLease.forEach((id, amount) -> used.bind("id", id).bind("amount", amount).add());
            used.execute();
        }
    }

    private static PreparedBatch bind(PreparedBatch insert, UsageRow r) {
        return insert.bind("requestId", r.requestId())
                .bind("tenantId", r.tenantId())
                .bind("keyId", r.keyId())
                .bind("tier", r.tier())
                .bind("route", r.route())
                .bind("provider", r.provider())
                .bind("model", r.model())
                .bind("source", r.source())
                .bind("attempts", r.attempts())
                .bind("promptTokens", r.promptTokens())
                .bind("completionTokens", r.completionTokens())
                .bind("requests", r.usage().requests())
                .bind("tokens", r.usage().tokens())
                .bind("images", r.usage().images())
                .bind("audioSeconds", r.usage().audioSeconds())
                .bind("costMicros", r.usage().costMicros())
                .bind("latencyMillis", r.latencyMillis())
                .bind("status", r.status())
                .bind("errorKind", r.errorKind())
                .bind("createdAt", Epoch.millis(r.createdAt()))
                .bind("usageDay", Epoch.utcDay(r.createdAt()));
    }

    private record Pending(UsageRow row, CompletableFuture<Void> done) {
    }
}
