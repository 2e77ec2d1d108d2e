package ai.aideon.store;

import ai.aideon.testkit.ManualClock;
import static ai.aideon.store.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import ai.aideon.core.tier.AccountKey;
import ai.aideon.core.tier.Lease;
import ai.aideon.core.tier.LeaseSpend;
import ai.aideon.core.tier.Meter;
import ai.aideon.core.tier.Period;
import ai.aideon.core.tier.UsageRow;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LedgerWriterTest {

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.parse("2025-03-04T10:00:00Z"));

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDuplicateInsideOneBatchIsReportedAndItsSpendIsNotApplied(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        try (Store store = Store.open(location, clock)) {
            AccountKey account = new AccountKey("ten_a", Meter.COST_MICROS, Period.DAY,
                    Period.DAY.windowStart(clock.instant()));
            Lease lease = store.allowances().lease(account, 10_000, 1_000, "i1", clock.instant().plusSeconds(60));
            LeaseSpend spend = new LeaseSpend(lease.leaseId(), 100);
            Instant at = clock.instant();
            Database db = Database.open(StoreLocation.parse(location), Durability.OS);
            try (LedgerWriter writer = new LedgerWriter(db)) {
                boolean[] inserted = writer.commit(List.of(row("req-a", "ten_a", at, 100, spend),
                        row("req-a", "ten_a", at, 100, spend), row("req-b", "ten_a", at, 100, spend)));

                assertThat(inserted).containsExactly(true, false, true);
                // The next batch reuses the kept statements; a row already committed is a duplicate again.
                assertThat(writer.commit(List.of(row("req-b", "ten_a", at, 100, spend),
                        row("req-c", "ten_a", at, 100, spend)))).containsExactly(false, true);
            } finally {
                db.close();
            }
            assertThat(LedgerTest.countRows(location)).isEqualTo(3);
            assertThat(LedgerTest.leaseUsed(location, lease.leaseId())).isEqualTo(300);
            assertThat(store.allowances().committed(account)).isEqualTo(300);
        }
    }

    /**
     * New rows go in {@link LedgerWriter#ROWS_PER_INSERT} at a time on SQLite; a replayed batch after them, with
     * duplicates at the start, in the middle and at the end, must be reported row by row, with only the new rows'
     * usage and spends counted. SQLite has no index on request ids and finds them by tenant and time, so some
     * duplicates share their millisecond with new rows of other ids. Also run on PostgreSQL (its primary key
     * decides): the same answers.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void newRowsGoInByTheChunkAndAReplayReportsEveryDuplicateAndCountsOnlyNewRows(Backend backend)
            throws Exception {
        String location = backend.newLocation(tmp);
        int chunk = LedgerWriter.ROWS_PER_INSERT;
        try (Store store = Store.open(location, clock)) {
            AccountKey account = new AccountKey("ten_a", Meter.COST_MICROS, Period.DAY,
                    Period.DAY.windowStart(clock.instant()));
            Lease lease = store.allowances().lease(account, 1_000_000, 100_000, "i1",
                    clock.instant().plusSeconds(60));
            LeaseSpend spend = new LeaseSpend(lease.leaseId(), 100);
            Instant at = clock.instant();
            Database db = Database.open(StoreLocation.parse(location), Durability.OS);
            try (LedgerWriter writer = new LedgerWriter(db)) {
                // Two full chunks and 5 more: all new.
                List<UsageRow> first = new ArrayList<>();
                for (int i = 0; i < 2 * chunk + 5; i++) {
                    first.add(row("req-" + i, "ten_a", at, 100, spend));
                }
                writer.commitNew(first);

                // A replay: old rows first, in the middle and last, the rest new (all in the same millisecond).
                List<UsageRow> replay = new ArrayList<>();
                for (int i = 0; i < chunk + 3; i++) {
                    String id = i == 0 ? "req-0" : i == 7 ? "req-3" : i == chunk + 2 ? "req-" + (2 * chunk + 4)
                            : "new-" + i;
                    replay.add(row(id, "ten_a", at, 100, spend));
                }
                boolean[] again = writer.commit(replay);
                for (int i = 0; i < replay.size(); i++) {
                    assertThat(again[i]).as("row %d", i).isEqualTo(i != 0 && i != 7 && i != chunk + 2);
                }
                // A row replayed a second time (a crash during the replay) is skipped again.
                assertThat(writer.commit(List.of(row("req-1", "ten_a", at, 100, spend))))
                        .containsExactly(false);
            } finally {
                db.close();
            }
            int distinct = 2 * chunk + 5 + chunk;
            assertThat(LedgerTest.countRows(location)).isEqualTo(distinct);
            assertThat(LedgerTest.leaseUsed(location, lease.leaseId())).isEqualTo(distinct * 100L);
            assertThat(store.allowances().committed(account)).isEqualTo(distinct * 100L);
        }
    }

    /**
     * SQLite binds the columns a chunk's rows share (tenant, key, tier, route, provider, model, source, day; and for
     * plain successful calls also attempts, requests, images, audio seconds, status, error kind and client request
     * id) once per statement, and falls back to binding every row's own when they differ. Either way every column of
     * every row, nulls included, must come back as written.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyColumnRoundTripsWhetherAChunksRowsShareTheirDimensionsOrNot(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        int chunk = LedgerWriter.ROWS_PER_INSERT;
        Instant day1 = clock.instant();
        Instant day2 = day1.plus(java.time.Duration.ofDays(1));
        List<UsageRow> rows = new ArrayList<>();
        for (int i = 0; i < 6 * chunk + 3; i++) {
            int c = i / chunk;
            // Chunk 0 shares everything; chunk 1 has one row of another model; chunk 2 shares null key, tier and
            // provider; chunk 3 crosses midnight; chunk 4 is plain successful calls (uniform); chunk 5 would be but
            // for one row's client request id; then a remainder. Elsewhere the per-row columns vary everywhere.
            String model = c == 1 && i % chunk == 17 ? "other-model" : "meta-llama/Llama-3-8b";
            String key = c == 2 ? null : "key_a";
            String tier = c == 2 ? null : "free";
            String provider = c == 2 ? null : "together";
            Instant at = (c == 3 && i % chunk >= 20 ? day2 : day1).plusMillis(i);
            boolean plainSuccess = c == 4 || c == 5;
            String clientId = plainSuccess ? (c == 5 && i % chunk == 9 ? "client-" + i : null)
                    : i % 4 == 0 ? "client-" + i : null;
            rows.add(new UsageRow(String.format("req-%03d", i), "ten_a", key, tier, "aideon/text", provider, model,
                    "cloud", plainSuccess ? 1 : 1 + i % 3, 100 + i, 20 + i,
                    new ai.aideon.core.tier.Amounts(1, 120 + 2L * i, plainSuccess ? 0 : i % 2,
                            plainSuccess ? 0 : i % 5, 1_000 + i), 40 + i,
                    !plainSuccess && i % 7 == 0 ? 502 : 200, !plainSuccess && i % 7 == 0 ? "upstream_error" : null,
                    at, List.of(), clientId));
        }
        try (Store store = Store.open(location, clock)) {
            Database db = Database.open(StoreLocation.parse(location), Durability.OS);
            // The same rows under other request ids, in the same milliseconds, through the one-row statement that
            // skips rows already there (a replay's): every column of those must come back too.
            List<UsageRow> replayed = rows.stream().map(r -> new UsageRow("re-" + r.requestId(), r.tenantId(),
                    r.keyId(), r.tier(), r.route(), r.provider(), r.model(), r.source(), r.attempts(),
                    r.promptTokens(), r.completionTokens(), r.usage(), r.latencyMillis(), r.status(), r.errorKind(),
                    r.createdAt(), r.spends(), r.clientRequestId())).toList();
            try (LedgerWriter writer = new LedgerWriter(db)) {
                writer.commitNew(rows);
                assertThat(writer.commit(replayed)).hasSize(replayed.size()).doesNotContain(false);
            } finally {
                db.close();
            }
            List<UsageRow> all = new ArrayList<>(rows);
            all.addAll(replayed);
            assertThat(store.reports().recentRequests(null, 1_000)).containsExactlyInAnyOrderElementsOf(all);
            try (java.sql.Connection c = Backend.rawConnection(location);
                 java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery(
                         "SELECT usage_day, COUNT(*) FROM usage_ledger GROUP BY usage_day ORDER BY usage_day")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("2025-03-04");
                // All but chunk 3's last rows are on day 1; each row is there twice (its replayed copy).
                assertThat(rs.getInt(2)).isEqualTo(2 * (5 * chunk + 20 + 3));
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("2025-03-05");
                assertThat(rs.getInt(2)).isEqualTo(2 * (chunk - 20));
            }
        }
    }

    /** A replayed row is looked up in the tenant index by tenant and time: a replay never scans the ledger. */
    @org.junit.jupiter.api.Test
    void sqliteLooksAReplayedRowUpInTheTenantIndexInsteadOfScanningTheLedger() throws Exception {
        String location = Backend.SQLITE.newLocation(tmp);
        try (Store store = Store.open(location, clock);
             java.sql.Connection c = Backend.rawConnection(location);
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + LedgerWriter.INSERT_IF_ABSENT)) {
            List<String> plan = new ArrayList<>();
            while (rs.next()) {
                plan.add(rs.getString("detail"));
            }
            assertThat(plan).anyMatch(step -> step.startsWith(
                    "SEARCH usage_ledger USING INDEX usage_ledger_tenant_created (tenant_id=? AND created_at=?)"));
            assertThat(plan).noneMatch(step -> step.startsWith("SCAN usage_ledger"));
        }
    }
}
