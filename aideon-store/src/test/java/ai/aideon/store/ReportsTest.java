package ai.aideon.store;

import static ai.aideon.store.Rows.media;
import static ai.aideon.store.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import ai.aideon.core.tier.Amounts;
import ai.aideon.core.tier.ConversionEvent;
import ai.aideon.core.tier.UsageRow;
import ai.aideon.core.tier.UsageReports.ConversionCount;
import ai.aideon.core.tier.UsageReports;
import ai.aideon.core.tier.UsageReports.GroupBy;
import ai.aideon.core.tier.UsageReports.ReconciliationLine;
import ai.aideon.core.tier.UsageReports.UsageGroup;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReportsTest {

    private static final Instant DAY1 = Instant.parse("2025-03-04T08:00:00Z");
    private static final Instant DAY1_LATE = Instant.parse("2025-03-04T23:59:59.999Z");
    private static final Instant DAY2 = Instant.parse("2025-03-05T00:00:00Z");
    private static final Instant FROM = Instant.parse("2025-03-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2025-04-01T00:00:00Z");

    @TempDir
    Path tmp;

    /** Tenant A: two text models on together, one local row; tenant B: its own rows, one on another provider. */
    private static Store seeded(String location) throws Exception {
        Store store = Store.open(location, Clock.systemUTC());
        var ledger = store.ledger();
        ledger.append(row("a1", "ten_a", "free", "together", "llama-8b", DAY1, 100, 10, 1_000));
        ledger.append(row("a2", "ten_a", "premium", "together", "llama-70b", DAY1_LATE, 200, 20, 5_000));
        ledger.append(row("a3", "ten_a", "premium", "together", "llama-70b", DAY2, 300, 30, 7_000));
        ledger.append(row("a4", "ten_a", "free", "ollama", "llama-8b", DAY2, 50, 5, 0));
        ledger.append(row("a-out", "ten_a", "free", "together", "llama-8b", TO, 9_999, 9_999, 9_999_999));
        ledger.append(row("b1", "ten_b", "free", "together", "llama-8b", DAY1, 1_000, 100, 10_000));
        ledger.append(media("b2", "ten_b", "stability", DAY2, 4, 0, 160_000));
        ledger.append(media("b3", "ten_b", "cartesia", DAY2, 0, 12, 3_000));
        return store;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void usageOfOneTenantGroupsOnlyItsOwnRows(Backend backend) throws Exception {
        try (Store store = seeded(backend.newLocation(tmp))) {
            UsageReports reports = store.reports();

            assertThat(reports.usage("ten_a", FROM, TO, GroupBy.MODEL)).containsExactly(
                    new UsageGroup("llama-70b", 2, 500, 50, 0, 0, 12_000, 2, 0),
                    new UsageGroup("llama-8b", 2, 150, 15, 0, 0, 1_000, 2, 0));
            assertThat(reports.usage("ten_a", FROM, TO, GroupBy.PROVIDER)).containsExactly(
                    new UsageGroup("ollama", 1, 50, 5, 0, 0, 0, 1, 0),
                    new UsageGroup("together", 3, 600, 60, 0, 0, 13_000, 3, 0));
            assertThat(reports.usage("ten_a", FROM, TO, GroupBy.DAY)).containsExactly(
                    new UsageGroup("2025-03-04", 2, 300, 30, 0, 0, 6_000, 2, 0),
                    new UsageGroup("2025-03-05", 2, 350, 35, 0, 0, 7_000, 2, 0));
            assertThat(reports.usage("ten_a", FROM, TO, GroupBy.TIER)).containsExactly(
                    new UsageGroup("free", 2, 150, 15, 0, 0, 1_000, 2, 0),
                    new UsageGroup("premium", 2, 500, 50, 0, 0, 12_000, 2, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void tenantsNeverSeeEachOthersUsage(Backend backend) throws Exception {
        try (Store store = seeded(backend.newLocation(tmp))) {
            UsageReports reports = store.reports();

            for (GroupBy groupBy : GroupBy.values()) {
                long costA = reports.usage("ten_a", FROM, TO, groupBy).stream().mapToLong(UsageGroup::costMicros).sum();
                long costB = reports.usage("ten_b", FROM, TO, groupBy).stream().mapToLong(UsageGroup::costMicros).sum();
                assertThat(costA).as(groupBy.name()).isEqualTo(13_000);
                assertThat(costB).as(groupBy.name()).isEqualTo(173_000);
            }
            assertThat(reports.usage("ten_a", FROM, TO, GroupBy.PROVIDER)).extracting(UsageGroup::key)
                    .doesNotContain("stability", "cartesia");
            // Ids that look like SQL are data, bound as parameters: they match nothing.
            assertThat(reports.usage("ten_a' OR '1'='1", FROM, TO, GroupBy.MODEL)).isEmpty();
            assertThat(reports.usage("ten_c", FROM, TO, GroupBy.MODEL)).isEmpty();
            // The operator's view (null tenant) sees everyone.
            assertThat(reports.usage(null, FROM, TO, GroupBy.PROVIDER)).extracting(UsageGroup::key)
                    .containsExactly("cartesia", "ollama", "stability", "together");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void reconciliationSumsEachProviderPerUtcDay(Backend backend) throws Exception {
        try (Store store = seeded(backend.newLocation(tmp))) {
            LocalDate d1 = LocalDate.parse("2025-03-04");
            LocalDate d2 = LocalDate.parse("2025-03-05");

            assertThat(store.reports().reconciliation(FROM, TO)).containsExactly(
                    new ReconciliationLine(d1, "together", 3, 1_300, 130, 0, 16_000),
                    new ReconciliationLine(d2, "cartesia", 1, 0, 0, 12, 3_000),
                    new ReconciliationLine(d2, "ollama", 1, 50, 5, 0, 0),
                    new ReconciliationLine(d2, "stability", 1, 0, 0, 4, 160_000),
                    new ReconciliationLine(d2, "together", 1, 300, 30, 0, 7_000));
            assertThat(store.reports().reconciliation(DAY2, TO)).extracting(ReconciliationLine::day)
                    .containsOnly(d2);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void conversionsAreRecordedAndReadPerTenant(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), Clock.systemUTC())) {
            UsageReports reports = store.reports();
            ConversionEvent a1 = new ConversionEvent(DAY1, "ten_a", "free", "upgrade_required", "aideon/video",
                    "premium", "req-1");
            ConversionEvent a2 = new ConversionEvent(DAY2, "ten_a", "free", "budget_exceeded", "cost_micros", null,
                    "req-2");
            ConversionEvent b1 = new ConversionEvent(DAY1_LATE, "ten_b", "free", "rate_limited", "requests", null,
                    null);
            reports.recordConversion(a2);
            reports.recordConversion(b1);
            reports.recordConversion(a1);

            assertThat(reports.conversions("ten_a", FROM, TO)).containsExactly(a1, a2);
            assertThat(reports.conversions("ten_b", FROM, TO)).containsExactly(b1);
            assertThat(reports.conversions("ten_a", DAY2, TO)).containsExactly(a2);
            assertThat(reports.conversions(null, FROM, TO)).containsExactly(a1, b1, a2);
        }
    }

    /** A row as the gateway writes it for one outcome; {@code source} null and no provider when nothing answered. */
    private static UsageRow outcome(String requestId, String tenantId, String source, String provider, Instant at,
                                    long costMicros, int status, String errorKind) {
        boolean answered = status < 400;
        return new UsageRow(requestId, tenantId, "key_" + tenantId, "premium", "aideon/text", provider,
                provider == null ? null : provider + "/m", source, answered ? 1 : 2, answered ? 10 : 0,
                answered ? 5 : 0, new Amounts(answered ? 1 : 0, answered ? 15 : 0, 0, 0, costMicros), 30, status,
                errorKind, at, List.of(), null);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void usageCountsCallsAndErrorsAndGroupsBySourceAndTenant(Backend backend) throws Exception {
        try (Store store = Store.open(backend.newLocation(tmp), Clock.systemUTC())) {
            var ledger = store.ledger();
            ledger.append(outcome("r1", "ten_a", "local", "ollama", DAY1, 0, 200, null));
            ledger.append(outcome("r2", "ten_a", "cloud", "together", DAY1, 2_000, 200, null));
            ledger.append(outcome("r3", "ten_a", "cloud", "together", DAY1, 700, 200, "stream_interrupted"));
            ledger.append(outcome("r4", "ten_a", null, null, DAY1, 0, 503, "overloaded"));
            ledger.append(outcome("r5", "ten_b", "cache", null, DAY2, 0, 200, null));
            UsageReports reports = store.reports();

            assertThat(reports.usage(null, FROM, TO, GroupBy.SOURCE)).containsExactly(
                    new UsageGroup("cache", 1, 10, 5, 0, 0, 0, 1, 0),
                    new UsageGroup("cloud", 2, 20, 10, 0, 0, 2_700, 2, 1),
                    new UsageGroup("local", 1, 10, 5, 0, 0, 0, 1, 0),
                    // A failed request answered nothing: no request metered, no source, but a call and an error.
                    new UsageGroup(JdbiUsageReports.NONE, 0, 0, 0, 0, 0, 0, 1, 1));
            assertThat(reports.usage(null, FROM, TO, GroupBy.TENANT)).containsExactly(
                    new UsageGroup("ten_a", 3, 30, 15, 0, 0, 2_700, 4, 2),
                    new UsageGroup("ten_b", 1, 10, 5, 0, 0, 0, 1, 0));
            assertThat(reports.usage("ten_b", FROM, TO, GroupBy.TENANT)).extracting(UsageGroup::key)
                    .containsExactly("ten_b");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void recentRequestsAreTheNewestRowsOfOneTenantIncludingRowsJustWritten(Backend backend) throws Exception {
        try (Store store = Store.open(backend.newLocation(tmp), Clock.systemUTC())) {
            var ledger = store.ledger();
            UsageRow a1 = outcome("req_a1", "ten_a", "local", "ollama", DAY1, 0, 200, null);
            UsageRow a2 = outcome("req_a2", "ten_a", null, null, DAY1_LATE, 0, 503, "overloaded");
            UsageRow a3 = outcome("req_a3", "ten_a", "cloud", "together", DAY2, 1_234, 200, null);
            // Same millisecond as a3: the later request id comes first.
            UsageRow a4 = outcome("req_a4", "ten_a", "cache", null, DAY2, 0, 200, null);
            UsageRow b1 = outcome("req_b1", "ten_b", "cloud", "together", DAY2.plusSeconds(1), 99, 200, null);
            for (UsageRow r : List.of(a1, a3, b1, a2, a4)) {
                ledger.append(r);
            }
            UsageReports reports = store.reports();

            // Read at once: the report brings journaled rows into the tables first, so none is missing.
            assertThat(reports.recentRequests("ten_a", 50)).containsExactly(a4, a3, a2, a1);
            assertThat(reports.recentRequests("ten_a", 2)).containsExactly(a4, a3);
            assertThat(reports.recentRequests("ten_b", 50)).containsExactly(b1);
            assertThat(reports.recentRequests(null, 3)).containsExactly(b1, a4, a3);
            assertThat(reports.recentRequests("ten_a' OR '1'='1", 50)).isEmpty();
            assertThat(reports.recentRequests("ten_c", 50)).isEmpty();

            UsageRow a5 = outcome("req_a5", "ten_a", "local", "ollama", DAY2.plusSeconds(5), 0, 200, null);
            ledger.append(a5);
            assertThat(reports.recentRequests("ten_a", 1)).containsExactly(a5);
        }
    }

    /**
     * On SQLite the newest rows of all tenants are looked for in growing windows back from the row indexed last
     * (JdbiUsageReports); whichever window answers, and whatever order the rows were written in (a replayed journal
     * indexes old rows last), the answer is the exact newest rows. PostgreSQL answers the same by its own index.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void recentRequestsOfAllTenantsAreExactlyTheNewestWhateverWindowHoldsThem(Backend backend) throws Exception {
        try (Store store = Store.open(backend.newLocation(tmp), Clock.systemUTC())) {
            Instant now = DAY2;
            UsageRow a2 = outcome("req_a2", "ten_a", "cloud", "together", now, 1, 200, null);
            UsageRow c1 = outcome("req_c1", "ten_c", "cloud", "together", now.minus(Duration.ofDays(400)), 1, 200,
                    null);
            UsageRow a1 = outcome("req_a1", "ten_a", "cloud", "together", now.minusSeconds(30), 1, 200, null);
            UsageRow b1 = outcome("req_b1", "ten_b", "cloud", "together", now.minus(Duration.ofDays(3)), 1, 200,
                    null);
            UsageRow b2 = outcome("req_b2", "ten_b", "cloud", "together", now.minus(Duration.ofHours(2)), 1, 200,
                    null);
            // b2 is indexed last, so on SQLite the windows start two hours before the newest row.
            for (UsageRow r : List.of(a2, c1, a1, b1, b2)) {
                store.ledger().append(r);
            }
            UsageReports reports = store.reports();

            assertThat(reports.recentRequests(null, 2)).containsExactly(a2, a1);
            assertThat(reports.recentRequests(null, 3)).containsExactly(a2, a1, b2);
            assertThat(reports.recentRequests(null, 4)).containsExactly(a2, a1, b2, b1);
            assertThat(reports.recentRequests(null, 5)).containsExactly(a2, a1, b2, b1, c1);
            assertThat(reports.recentRequests(null, 50)).containsExactly(a2, a1, b2, b1, c1);
        }
    }

    @Test
    void emptyLedgerHasNoRecentRequests() {
        try (Store store = Store.open(Backend.SQLITE.newLocation(tmp), Clock.systemUTC())) {
            assertThat(store.reports().recentRequests(null, 10)).isEmpty();
        }
    }

    /**
     * The SQLite ledger has no index on created_at alone (each index costs the writer per row): the queries over
     * all tenants must read the tenant index once per tenant, never scan the whole table.
     */
    @Test
    void sqliteReportsOverAllTenantsSearchTheTenantIndexInsteadOfScanningTheLedger() throws Exception {
        String location = Backend.SQLITE.newLocation(tmp);
        try (Store store = seeded(location);
             Connection c = Backend.rawConnection(location);
             Statement s = c.createStatement()) {
            JdbiUsageReports reports = (JdbiUsageReports) store.reports();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index' "
                    + "AND tbl_name = 'usage_ledger' AND name NOT LIKE 'sqlite_autoindex%'")) {
                List<String> indexes = new ArrayList<>();
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
                assertThat(indexes).containsExactly("usage_ledger_tenant_created");
            }
            for (String sql : List.of(reports.usageSql(null, GroupBy.MODEL), reports.reconciliationSql(),
                    reports.recentSql(null, true))) {
                List<String> plan = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
                    while (rs.next()) {
                        plan.add(rs.getString("detail"));
                    }
                }
                assertThat(plan).as(sql).anyMatch(step -> step.startsWith("SEARCH usage_ledger USING INDEX "
                        + "usage_ledger_tenant_created (tenant_id=? AND created_at>"));
                assertThat(plan).as(sql).noneMatch(step -> step.startsWith("SCAN usage_ledger"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void conversionFunnelCountsEventsAndDistinctTenantsPerTierAndKind(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), Clock.systemUTC())) {
            UsageReports reports = store.reports();
            reports.recordConversion(new ConversionEvent(DAY1, "ten_a", "free", "upgrade_required", "aideon/video",
                    "premium", "req-1"));
            reports.recordConversion(new ConversionEvent(DAY1, "ten_a", "free", "upgrade_required", "aideon/image",
                    "premium", "req-2"));
            reports.recordConversion(new ConversionEvent(DAY2, "ten_b", "free", "upgrade_required", "aideon/video",
                    "premium", "req-3"));
            reports.recordConversion(new ConversionEvent(DAY2, "ten_b", "free", "budget_exceeded", "cost_micros",
                    "premium", "req-4"));
            reports.recordConversion(new ConversionEvent(DAY2, "ten_c", "premium", "quota_exceeded", "requests",
                    null, "req-5"));
            reports.recordConversion(new ConversionEvent(TO, "ten_c", "premium", "quota_exceeded", "requests",
                    null, "req-out-of-range"));

            assertThat(reports.conversionFunnel(null, FROM, TO)).containsExactly(
                    new ConversionCount("free", "budget_exceeded", 1, 1),
                    new ConversionCount("free", "upgrade_required", 3, 2),
                    new ConversionCount("premium", "quota_exceeded", 1, 1));
            assertThat(reports.conversionFunnel("ten_a", FROM, TO)).containsExactly(
                    new ConversionCount("free", "upgrade_required", 2, 1));
            assertThat(reports.conversionFunnel(null, DAY2, TO)).extracting(ConversionCount::events)
                    .containsExactly(1L, 1L, 1L);
        }
    }
}
