package ai.aideon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MigrationTest {

    private static final List<String> TABLES =
            List.of("tenants", "tenant_limits", "api_keys", "usage_ledger", "accounts", "leases", "conversions",
                    "usage_daily");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void openMigratesAnEmptyDatabaseAndReopeningChangesNothing(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        try (Store store = Store.open(location, Clock.systemUTC())) {
            assertThat(store.dialect()).isEqualTo(backend == Backend.SQLITE ? "sqlite" : "postgresql");
        }
        try (Store again = Store.open(location, Clock.systemUTC());
             Connection c = Backend.rawConnection(location);
             Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as(table).isZero();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history "
                    + "WHERE version IS NOT NULL ORDER BY installed_rank")) {
                // SQLite's V4 drops an index PostgreSQL keeps (see V4__no_created_at_index.sql).
                for (String version : backend == Backend.SQLITE ? List.of("1", "2", "3", "4")
                        : List.of("1", "2", "3")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("version")).isEqualTo(version);
                    assertThat(rs.getBoolean("success")).isTrue();
                }
                assertThat(rs.next()).as("each migration applied once").isFalse();
            }
        }
    }

    @Test
    void sqliteRunsInWalModeSoReadersDoNotBlockTheLedgerWriter() throws Exception {
        String location = Backend.SQLITE.newLocation(tmp);
        try (Store store = Store.open(location, Clock.systemUTC());
             Connection c = Backend.rawConnection(location);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void anUnreachableStoreFailsWithoutRevealingItsPassword() {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        String location = "postgres://aideon:hunter2-secret@127.0.0.1:1/aideon";

        assertThatThrownBy(() -> Store.open(location, Clock.systemUTC()))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("hunter2");
                    }
                });
    }

    @org.junit.jupiter.params.ParameterizedTest
    @EnumSource(Backend.class)
    void storeDescribesItselfWithoutCredentials(Backend backend) {
        String location = backend.newLocation(tmp);
        try (Store store = Store.open(location, Clock.systemUTC())) {
            assertThat(store.toString()).doesNotContain("not-logged").contains(store.dialect());
        }
    }
}
