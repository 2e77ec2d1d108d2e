package ai.aideon.store;

import ai.aideon.core.tier.UsageRow;
import java.util.List;

/** Where {@link GroupCommitLedger} puts a batch of rows: once {@link #write} returns, they are durable. */
interface LedgerSink extends AutoCloseable {

    /**
     * Makes {@code rows} durable, or throws; then none of them may count as written (at worst a row counts twice
     * over: a failed request billed, never a delivered one lost).
     */
    void write(List<UsageRow> rows) throws Exception;

    /**
     * Whether a write costs enough more than a row that the group commit's leader should first let runnable
     * requests join its batch (see {@link GroupCommitLedger}).
     */
    boolean gatherBeforeWrite();

    /**
     * Whether a write is a copy into memory (nothing to flush, no transaction), so cheap that each caller writes its
     * own row at once, under the ledger's lock, instead of queueing it for a group commit: batching would save
     * nothing and add a queue node, a parked caller and a wake-up per row (see {@link GroupCommitLedger}).
     */
    default boolean writesAlone() {
        return false;
    }

    /** Returns once every row written before the call is visible to queries of the database. */
    void sync();

    /** Called after the last {@link #write}. */
    @Override
    void close();
}
