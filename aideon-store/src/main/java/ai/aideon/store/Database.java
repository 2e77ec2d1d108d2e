package ai.aideon.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The connections of one store: a write side and a read side, as JDBI instances over HikariCP pools.
 *
 * <p>SQLite has a single writer per database file anyway, so the write side is one connection (a pool of one):
 * writers queue in the pool instead of spinning on SQLITE_BUSY, and every write transaction starts with
 * {@code BEGIN IMMEDIATE} so that a transaction that reads before it writes (lease) can never fail to upgrade
 * its lock. Other processes or Store objects on the same file wait on {@code busy_timeout}. Reads use a small
 * pool of their own; WAL lets them run beside the writer.
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

    private Database(Dialect dialect, Jdbi reads, Jdbi writes, List<HikariDataSource> pools) {
        this.dialect = dialect;
        this.reads = reads;
        this.writes = writes;
        this.pools = pools;
    }

    /** Opens the pools and brings the schema up to date. */
    static Database open(StoreLocation location) {
        return switch (location.dialect()) {
            case SQLITE -> openSqlite(location);
            case POSTGRESQL -> openPostgres(location);
        };
    }

    Dialect dialect() {
        return dialect;
    }

    /** A write transaction (BEGIN IMMEDIATE on SQLite), committed when {@code callback} returns. */
    <R, X extends Exception> R inWriteTransaction(HandleCallback<R, X> callback) throws X {
        return writes.inTransaction(callback);
    }

    <R, X extends Exception> R read(HandleCallback<R, X> callback) throws X {
        return reads.withHandle(callback);
    }

    @Override
    public void close() {
        for (HikariDataSource pool : pools.reversed()) {
            pool.close();
        }
    }

    private static Database openSqlite(StoreLocation location) {
        Path file = location.sqliteFile();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the directory of " + location, e);
        }
        // Migrate over a plain, unpooled connection first: Flyway may open more than one connection.
        Migrations.apply(sqliteSource(location, true), Dialect.SQLITE);
        List<HikariDataSource> pools = new ArrayList<>();
        try {
            HikariDataSource writer = pool("aideon-sqlite-writer", sqliteSource(location, true), 1, 1);
            pools.add(writer);
            HikariDataSource readers = pool("aideon-sqlite-reader", sqliteSource(location, false), 4, 1);
            pools.add(readers);
            return new Database(Dialect.SQLITE, Jdbi.create(readers), Jdbi.create(writer), pools);
        } catch (RuntimeException e) {
            pools.forEach(HikariDataSource::close);
            throw e;
        }
    }

    private static SQLiteDataSource sqliteSource(StoreLocation location, boolean writer) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: the WAL is fsynced at every commit, so a committed ledger row survives power loss, not just kill -9.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
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
            return new Database(Dialect.POSTGRESQL, jdbi, jdbi, List.of(pool));
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
