package ai.aideon.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;
import org.sqlite.SQLiteDataSource;

/**
 * The connections of one store: a write side and a read side, as JDBI instances over HikariCP pools.
 *
 * <p>SQLite has a single writer per database file anyway, so the JDBI write side is one connection (a pool of
 * one), and every write transaction starts with {@code BEGIN IMMEDIATE} so that a transaction that reads before it
 * writes (lease) can never fail to upgrade its lock. The ledger writes on a connection of its own
 * ({@link #openLedgerConnection}), kept open with its prepared statements so that a group commit costs no pool or
 * statement set-up. Both take {@link #sqliteWriteLock} around their transactions: in-process writers queue on a
 * Java lock instead of meeting SQLITE_BUSY, whose busy handler sleeps for milliseconds. Other processes or Store
 * objects on the same file wait on {@code busy_timeout}. Reads use a small pool of their own; WAL lets them run
 * beside the writer. A {@link SqliteCheckpointer} copies the WAL back into the database file off the commit path.
 *
 * <p>PostgreSQL: one pool serves both sides.
 */
final class Database implements AutoCloseable {

    /** How long a SQLite writer waits for another connection's write lock before failing. */
    static final int SQLITE_BUSY_TIMEOUT_MS = 15_000;

    private final Dialect dialect;
    private final Jdbi reads;
    private final Jdbi writes;
    private final List<HikariDataSource> pools;
    /** SQLite: a source of writer connections with this store's pragmas, for the ledger. Null on PostgreSQL. */
    private final SQLiteDataSource sqliteWriterSource;
    /** SQLite: held by every in-process write transaction. Null on PostgreSQL (row locks suffice there). */
    private final ReentrantLock sqliteWriteLock;
    /** SQLite: checkpoints the WAL off the commit path. Null on PostgreSQL. */
    private final SqliteCheckpointer checkpointer;

    private Database(Dialect dialect, Jdbi reads, Jdbi writes, List<HikariDataSource> pools,
                     SQLiteDataSource sqliteWriterSource, SqliteCheckpointer checkpointer) {
        this.dialect = dialect;
        this.reads = reads;
        this.writes = writes;
        this.pools = pools;
        this.sqliteWriterSource = sqliteWriterSource;
        this.sqliteWriteLock = sqliteWriterSource == null ? null : new ReentrantLock();
        this.checkpointer = checkpointer;
    }

    /** Opens the pools and brings the schema up to date. {@code durability} applies to SQLite only. */
    static Database open(StoreLocation location, Durability durability) {
        return switch (location.dialect()) {
            case SQLITE -> openSqlite(location, durability);
            case POSTGRESQL -> openPostgres(location);
        };
    }

    Dialect dialect() {
        return dialect;
    }

    /** A write transaction (BEGIN IMMEDIATE on SQLite), committed when {@code callback} returns. */
    <R, X extends Exception> R inWriteTransaction(HandleCallback<R, X> callback) throws X {
        if (sqliteWriteLock == null) {
            return writes.inTransaction(callback);
        }
        sqliteWriteLock.lock();
        try {
            return writes.inTransaction(callback);
        } finally {
            sqliteWriteLock.unlock();
        }
    }

    /** SQLite: the lock every in-process write transaction holds (the ledger's too); null on PostgreSQL. */
    ReentrantLock sqliteWriteLock() {
        return sqliteWriteLock;
    }

    /**
     * A connection for the ledger's writer. SQLite: a new connection of its own with this store's pragmas, in
     * auto-commit mode (the ledger issues BEGIN IMMEDIATE / COMMIT itself, under {@link #sqliteWriteLock()});
     * the caller closes it. PostgreSQL: a pooled connection, for one batch.
     */
    Connection openLedgerConnection() throws SQLException {
        return sqliteWriterSource != null ? sqliteWriterSource.getConnection() : pools.getFirst().getConnection();
    }

    <R, X extends Exception> R read(HandleCallback<R, X> callback) throws X {
        return reads.withHandle(callback);
    }

    @Override
    public void close() {
        if (checkpointer != null) {
            checkpointer.close();
        }
        for (HikariDataSource pool : pools.reversed()) {
            pool.close();
        }
    }

    private static Database openSqlite(StoreLocation location, Durability durability) {
        Path file = location.sqliteFile();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the directory of " + location, e);
        }
        // Migrate over a plain, unpooled connection first: Flyway may open more than one connection.
        Migrations.apply(sqliteSource(location, durability, true), Dialect.SQLITE);
        List<HikariDataSource> pools = new ArrayList<>();
        try {
            HikariDataSource writer = pool("aideon-sqlite-writer", sqliteSource(location, durability, true), 1, 1);
            pools.add(writer);
            HikariDataSource readers = pool("aideon-sqlite-reader", sqliteSource(location, durability, false), 4, 1);
            pools.add(readers);
            SQLiteDataSource ledgerSource = sqliteSource(location, durability, false);
            // One thread at a time uses the ledger's connection (LedgerWriter, under sqliteWriteLock), and sqlite-jdbc
            // serializes calls on a connection itself: SQLite's own per-call mutex is pure overhead there, taken
            // twice per bound value (22 per row); without it the indexer spends ~5-10% less CPU per row.
            ledgerSource.getConfig().setOpenMode(SQLiteOpenMode.NOMUTEX);
            SQLiteDataSource checkpointSource = sqliteSource(location, durability, false);
            // Started last: nothing after it can fail, so it never outlives a Database that was not returned.
            SqliteCheckpointer checkpointer = new SqliteCheckpointer(checkpointSource,
                    String.valueOf(location.sqliteFile().getFileName()));
            return new Database(Dialect.SQLITE, Jdbi.create(readers), Jdbi.create(writer), pools, ledgerSource,
                    checkpointer);
        } catch (RuntimeException e) {
            pools.forEach(HikariDataSource::close);
            throw e;
        }
    }

    /**
     * @param writer true: a pooled writer, whose JDBC transactions start with BEGIN IMMEDIATE; false: readers, and
     *               the ledger's connection (auto-commit; it begins its transactions itself)
     */
    private static SQLiteDataSource sqliteSource(StoreLocation location, Durability durability, boolean writer) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // Per connection, so every connection gets it. See Durability: FULL fsyncs the WAL at every commit (survives
        // power loss); NORMAL leaves the commit in the OS page cache (survives kill -9) and fsyncs at checkpoints.
        config.setSynchronous(durability == Durability.FSYNC ? SQLiteConfig.SynchronousMode.FULL
                : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
        // Checkpoints run on SqliteCheckpointer's thread, not inside a commit; this is only its safety net.
        config.setWalAutocheckpoint(SqliteCheckpointer.WRITER_AUTOCHECKPOINT_PAGES);
        // Nothing reads generated keys; with this on, sqlite-jdbc runs an extra SELECT after every INSERT.
        config.setGetGeneratedKeys(false);
        config.enforceForeignKeys(true);
        if (writer) {
            // sqlite-jdbc then opens every transaction with BEGIN IMMEDIATE: the write lock is taken up front
            // (waiting on busy_timeout), never upgraded from a read snapshot, which WAL would refuse with
            // SQLITE_BUSY_SNAPSHOT when another connection committed in between. (sqlite-jdbc's commit() re-opens
            // a transaction at once; JDBI restores auto-commit right after, which ends it, so the lock is brief.)
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl(location.jdbcUrl());
        return source;
    }

    private static Database openPostgres(StoreLocation location) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("aideon-postgres");
        config.setJdbcUrl(location.jdbcUrl()); // without credentials: those go below, never into a URL we log
        config.setUsername(location.user());
        config.setPassword(location.password());
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(1);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Migrations.apply(pool, Dialect.POSTGRESQL);
            Jdbi jdbi = Jdbi.create(pool);
            return new Database(Dialect.POSTGRESQL, jdbi, jdbi, List.of(pool), null, null);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static HikariDataSource pool(String name, DataSource source, int max, int minIdle) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setDataSource(source);
        config.setMaximumPoolSize(max);
        config.setMinimumIdle(minIdle);
        return new HikariDataSource(config);
    }
}
