package ai.aideon.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two databases every store test runs against. PostgreSQL is one embedded server per test JVM (started on
 * first use, stopped by its shutdown hook), with a fresh database per test; SQLite is a fresh file per test.
 */
enum Backend {
    SQLITE, POSTGRES;

    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** A location for {@link Store#open} naming a new, empty database. */
    String newLocation(Path tempDir) {
        return switch (this) {
            case SQLITE -> "sqlite:" + tempDir.resolve("aideon-" + DATABASES.incrementAndGet() + ".db");
            case POSTGRES -> {
                String name = "aideon_" + DATABASES.incrementAndGet();
                try (Connection c = Postgres.server().getPostgresDatabase().getConnection();
                     Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + name);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                // The password is ignored by the embedded server (trust), but exercises the URL parsing.
                yield "postgres://postgres:not-logged@localhost:" + Postgres.server().getPort() + "/" + name;
            }
        };
    }

    /** A plain JDBC connection of its own to the database at {@code location}, outside any Store. */
    static Connection rawConnection(String location) throws SQLException {
        StoreLocation parsed = StoreLocation.parse(location);
        return DriverManager.getConnection(parsed.jdbcUrl(), parsed.user(), parsed.password());
    }

    private static final class Postgres {
        private static EmbeddedPostgres server;

        static synchronized EmbeddedPostgres server() {
            if (server == null) {
                try {
                    server = EmbeddedPostgres.start();
                } catch (IOException e) {
                    throw new UncheckedIOException("embedded PostgreSQL did not start", e);
                }
            }
            return server;
        }
    }
}
