package ai.aideon.store;

import static ai.aideon.store.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SqliteDurabilityTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void everyWriterConnectionCommitsWithTheConfiguredSynchronousMode(Durability durability) throws Exception {
        int expected = durability == Durability.FSYNC ? 2 : 1; // PRAGMA synchronous: 2 = FULL, 1 = NORMAL
        try (Database db = Database.open(StoreLocation.parse(Backend.SQLITE.newLocation(tmp)), durability);
             Connection ledger = db.openLedgerConnection()) {
            assertThat(pragma(ledger, "synchronous")).isEqualTo(expected);
            assertThat(pragma(ledger, "journal_mode")).isEqualTo("wal");
            // Checkpoints belong to the background thread; a commit checkpoints only far past this.
            assertThat(pragma(ledger, "wal_autocheckpoint"))
                    .isEqualTo(SqliteCheckpointer.WRITER_AUTOCHECKPOINT_PAGES);
            Integer pooledWriter = db.inWriteTransaction(
                    h -> h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one());
            assertThat(pooledWriter).isEqualTo(expected);
        }
    }

    @Test
    void theDefaultDurabilityIsTheOperatingSystemsCache() {
        assertThat(Durability.DEFAULT).isEqualTo(Durability.OS);
        assertThat(Durability.parse(" FSYNC ")).contains(Durability.FSYNC);
        assertThat(Durability.parse("os")).contains(Durability.OS);
        assertThat(Durability.parse("full")).isEmpty();
    }

    @Test
    void theWalIsCopiedIntoTheDatabaseFileWithoutACommitDoingIt() throws Exception {
        String location = Backend.SQLITE.newLocation(tmp);
        Path file = StoreLocation.parse(location).sqliteFile();
        try (Store store = Store.open(location, Clock.systemUTC())) {
            long before = Files.size(file); // the schema; the migration's connection checkpointed on close
            Instant at = Instant.parse("2025-03-04T10:00:00Z");
            for (int i = 0; i < 300; i++) {
                store.ledger().append(row(String.format("req-%04d", i), "ten_a", at, 1));
            }
            // The indexed rows leave pages in the WAL, far below the writers' own checkpoint threshold: only the
            // background checkpointer moves them into the database file.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Files.size(file) <= before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(Files.size(file)).isGreaterThan(before);
            store.ledger().sync();
            assertThat(LedgerTest.countRows(location)).isEqualTo(300);
        }
    }

    private static Object pragma(Connection c, String name) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            assertThat(rs.next()).isTrue();
            Object value = rs.getObject(1);
            return value instanceof String text ? text.toLowerCase(java.util.Locale.ROOT) : value;
        }
    }
}
