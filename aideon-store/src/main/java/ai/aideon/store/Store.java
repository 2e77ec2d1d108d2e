package ai.aideon.store;

import ai.aideon.core.tier.AllowanceStore;
import ai.aideon.core.tier.KeyStore;
import ai.aideon.core.tier.UsageReports;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's persistent state: tenants and keys, the usage ledger, the leased allowances and the reports,
 * on SQLite (embedded default, WAL) or PostgreSQL (several instances on one database).
 *
 * <pre>{@code
 * try (Store store = Store.open("sqlite:data/aideon.db", Clock.systemUTC())) {
 *     store.ledger().append(row);   // returns once the row is durable
 * }
 * }</pre>
 */
public final class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    private final StoreLocation location;
    private final Database db;
    private final JdbiKeyStore keys;
    private final GroupCommitLedger ledger;
    private final JdbiAllowanceStore allowances;
    private final JdbiUsageReports reports;
    private boolean closed;

    private Store(StoreLocation location, Database db, Clock clock, LedgerSink ledgerSink) {
        this.location = location;
        this.db = db;
        this.keys = new JdbiKeyStore(db, clock);
        this.ledger = new GroupCommitLedger(ledgerSink, clock);
        this.allowances = new JdbiAllowanceStore(db, clock, ledger::sync);
        this.reports = new JdbiUsageReports(db, ledger::sync);
    }

    /**
     * Opens the store at {@code location} and migrates its schema: {@code sqlite:<path>}, {@code jdbc:sqlite:<path>},
     * {@code postgres://user:pass@host:port/db}, {@code postgresql://…} or {@code jdbc:postgresql://…}.
     * Credentials in the location are passed to the driver only, never logged.
     *
     * SQLite commits with the {@link Durability#DEFAULT default durability}.
     *
     * @param clock the time of lease liveness, key and tenant timestamps, and of rows that carry none
     */
    public static Store open(String location, Clock clock) {
        return open(location, clock, Durability.DEFAULT);
    }

    /**
     * Opens the store at {@code location} (see {@link #open(String, Clock)}).
     *
     * @param durability what a SQLite commit survives: {@link Durability#OS} (crash, kill -9) or
     *                   {@link Durability#FSYNC} (also power loss); PostgreSQL always flushes its WAL at commit
     */
    public static Store open(String location, Clock clock, Durability durability) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(durability, "durability");
        StoreLocation parsed = StoreLocation.parse(location);
        Database db;
        try {
            db = Database.open(parsed, durability);
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store at " + parsed, e);
        }
        try {
            LedgerSink sink = ledgerSink(parsed, db, durability);
            if (parsed.dialect() == Dialect.SQLITE) {
                LOG.info("store open: {} (sqlite, durability {})", parsed, durability.wire());
            } else {
                LOG.info("store open: {} ({})", parsed, parsed.dialect().wire());
            }
            return new Store(parsed, db, clock, sink);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * SQLite: the ledger journals rows and indexes them into the database in the background; first, rows that a
     * process which died left in its journal are replayed, so the database is whole before anyone reads or lends
     * from it. PostgreSQL: rows are committed to the database directly (see {@link JournaledLedgerSink} on why).
     */
    private static LedgerSink ledgerSink(StoreLocation location, Database db, Durability durability) {
        if (location.dialect() != Dialect.SQLITE) {
            return new LedgerWriter(db);
        }
        LedgerWriter writer = new LedgerWriter(db);
        try {
            JournaledLedgerSink.recoverOrphans(location.sqliteFile(), writer);
            return new JournaledLedgerSink(location.sqliteFile(), durability, writer);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    public KeyStore keys() {
        return keys;
    }

    /** The ledger; its counters ({@link GroupCommitLedger#commits()}) show group commit at work. */
    public GroupCommitLedger ledger() {
        return ledger;
    }

    public AllowanceStore allowances() {
        return allowances;
    }

    public UsageReports reports() {
        return reports;
    }

    /** {@code sqlite} or {@code postgresql}. */
    public String dialect() {
        return db.dialect().wire();
    }

    /** Commits every row already appended, then closes the connections. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            ledger.close();
        } finally {
            db.close();
        }
    }

    /** Safe to log: no credentials. */
    @Override
    public String toString() {
        return "Store[" + location + "]";
    }
}
