package ai.aideon.store;

import ai.aideon.core.tier.UsageRow;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite ledger's sink: a batch is durable once it is in this process's {@link LedgerJournal} (a copy into a
 * memory-mapped file, plus an msync with {@link Durability#FSYNC}), and a {@link LedgerIndexer} copies it into the
 * database moments later in large transactions.
 *
 * <p>Why not commit each batch to SQLite directly, as before: a SQLite commit of a lone row costs ~35 µs of
 * request time on the bench VM (B-tree inserts in the table and its indexes, a WAL frame per touched page, the lease
 * updates), which made the metered gateway 30% slower than the storeless one at one request at a time; a journal
 * append costs a few µs and the database work, batched by the hundred, costs far less per row. Durability is the
 * same class as SQLite's own WAL with {@code synchronous=NORMAL}/{@code FULL}: the journal <em>is</em> the
 * ledger's write-ahead log, and the database is rebuilt from it after a crash ({@link #recoverOrphans}).
 *
 * <p>The cost: queries see a row up to {@link LedgerIndexer#LINGER} late, unless they {@link #sync} first
 * (reports and lease accounting do), and an operator reading the database file with another tool after a crash
 * sees the last rows only once the store is opened again. PostgreSQL keeps committing each batch directly: an
 * instance's local journal would be out of reach of the others if that instance never came back.
 *
 * <p>The journal and the indexer's thread start with the first row, so a store opened only to read (the CLI)
 * leaves no journal behind.
 */
final class JournaledLedgerSink implements LedgerSink {

    private static final Logger LOG = LoggerFactory.getLogger(JournaledLedgerSink.class);

    private final Path journalRoot;
    private final Durability durability;
    private final LedgerWriter writer;
    private LedgerJournal journal;
    private volatile LedgerIndexer indexer;

    JournaledLedgerSink(Path dbFile, Durability durability, LedgerWriter writer) {
        this.journalRoot = LedgerJournal.root(dbFile);
        this.durability = durability;
        this.writer = writer;
    }

    /** Replays what processes that died left in their journals; see {@link LedgerJournal#recoverOrphans}. */
    static long recoverOrphans(Path dbFile, LedgerWriter writer) {
        return LedgerJournal.recoverOrphans(LedgerJournal.root(dbFile), writer::commit);
    }

    @Override
    public void write(List<UsageRow> rows) throws Exception {
        if (journal == null) {
            start();
        }
        if (!indexer.hasRoom(rows.size())) {
            throw new StoreException("the ledger's database has fallen " + LedgerIndexer.MAX_QUEUED
                    + " rows behind its journal; refusing more until it catches up", null);
        }
        journal.append(rows);
        indexer.submit(rows);
    }

    private void start() throws java.io.IOException {
        LedgerJournal created = LedgerJournal.create(journalRoot, durability);
        journal = created;
        indexer = new LedgerIndexer(this::index, created::deleteIndexed, "aideon-ledger-indexer");
        LOG.debug("ledger journal at {}", created.directory());
    }

    /**
     * Copies journaled rows into the database. They are new there (each row is journaled once and indexed once) and
     * go in without a look for their request ids, unless an earlier attempt failed and may have committed them.
     */
    private void index(List<UsageRow> rows, boolean retry) throws java.sql.SQLException {
        if (retry) {
            writer.commit(rows);
        } else {
            writer.commitNew(rows);
        }
    }

    /**
     * No: a journal write costs about what letting others join would (a virtual thread's yield), and rows that
     * arrive during a write join the next batch anyway.
     */
    @Override
    public boolean gatherBeforeWrite() {
        return false;
    }

    /**
     * Yes with {@link Durability#OS}: an append is a copy into the mapped segment. With {@link Durability#FSYNC} each
     * write forces the pages to disk, and group commit shares that flush among the rows that wait for it.
     */
    @Override
    public boolean writesAlone() {
        return durability == Durability.OS;
    }

    @Override
    public void sync() {
        LedgerIndexer current = indexer;
        if (current != null) {
            current.sync();
        }
    }

    @Override
    public void close() {
        if (indexer != null) {
            indexer.close();
            // Delete the journal only when the database holds all of it; else the next open replays it.
            journal.close(indexer.caughtUp());
        }
        writer.close();
    }
}
