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
                // SQLite's V4 and V5 drop an index and a key PostgreSQL keeps (see their scripts).
                for (String version : backend == Backend.SQLITE ? List.of("1", "2", "3", "4", "5")
                        : List.of("1", "2", "3")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("version")).isEqualTo(version);
                    assertThat(rs.getBoolean("success")).isTrue();
                }
                assertThat(rs.next()).as("each migration applied once").isFalse();
            }
        }
    }

    /**
     * V5 rebuilds SQLite's ledger without its primary key on request_id: every row of a database written by an
     * earlier build must come through, column for column and in its order, and the tenant index must be back.
     */
    @Test
    void sqliteUpgradeToTheLedgerWithoutARequestIdKeyKeepsEveryRowInOrder() throws Exception {
        String location = Backend.SQLITE.newLocation(tmp);
        org.sqlite.SQLiteDataSource before = new org.sqlite.SQLiteDataSource();
        before.setUrl(StoreLocation.parse(location).jdbcUrl());
        org.flywaydb.core.Flyway.configure().dataSource(before).locations(Dialect.SQLITE.migrations())
                .target("4").load().migrate();
        String columns = "request_id, tenant_id, key_id, tier, route, provider, model, source, attempts, "
                + "prompt_tokens, completion_tokens, requests, tokens, images, audio_seconds, cost_micros, latency_ms, "
                + "status, error_kind, created_at, usage_day, client_request_id";
        try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement()) {
            // Indexed out of time order, as journals of several processes may be.
            s.execute("INSERT INTO usage_ledger (" + columns + ") VALUES "
                    + "('req-2', 'ten_b', 'key_b', 'premium', 'aideon/text', 'together', 'm1', 'cloud', 2, 10, 20, 1, "
                    + "30, 0, 0, 1234, 56, 200, NULL, 1741082400500, '2025-03-04', 'client-2'), "
                    + "('req-1', 'ten_a', NULL, NULL, NULL, NULL, NULL, NULL, 1, 0, 0, 1, 0, 1, 7, 0, 3, 502, "
                    + "'upstream_error', 1741082400000, '2025-03-04', NULL)");
        }
        List<List<Object>> written = rows(location, columns);

        try (Store store = Store.open(location, Clock.systemUTC());
             Connection c = Backend.rawConnection(location);
             Statement s = c.createStatement()) {
            assertThat(rows(location, columns)).isEqualTo(written);
            List<String> indexes = new java.util.ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index' "
                    + "AND tbl_name = 'usage_ledger'")) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
            }
            assertThat(indexes).as("no key on request_id any more").containsExactly("usage_ledger_tenant_created");
            assertThat(store.reports().recentRequests(null, 10)).extracting(r -> r.requestId())
                    .containsExactly("req-2", "req-1");
        }
    }

    /** Every ledger row's {@code columns}, in rowid order. */
    private static List<List<Object>> rows(String location, String columns) throws Exception {
        List<List<Object>> rows = new java.util.ArrayList<>();
        try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + columns + " FROM usage_ledger ORDER BY rowid")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new java.util.ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        }
        assertThat(rows).hasSize(2);
        return rows;
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
