package ai.aideon.store;

import static ai.aideon.store.Rows.media;
import static ai.aideon.store.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import ai.aideon.core.tier.ConversionEvent;
import ai.aideon.core.tier.UsageReports;
import ai.aideon.core.tier.UsageReports.GroupBy;
import ai.aideon.core.tier.UsageReports.ReconciliationLine;
import ai.aideon.core.tier.UsageReports.UsageGroup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
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
                    new UsageGroup("llama-70b", 2, 500, 50, 0, 0, 12_000),
                    new UsageGroup("llama-8b", 2, 150, 15, 0, 0, 1_000));
            assertThat(reports.usage("ten_a", FROM, TO, GroupBy.PROVIDER)).containsExactly(
                    new UsageGroup("ollama", 1, 50, 5, 0, 0, 0),
                    new UsageGroup("together", 3, 600, 60, 0, 0, 13_000));
            assertThat(reports.usage("ten_a", FROM, TO, GroupBy.DAY)).containsExactly(
                    new UsageGroup("2025-03-04", 2, 300, 30, 0, 0, 6_000),
                    new UsageGroup("2025-03-05", 2, 350, 35, 0, 0, 7_000));
            assertThat(reports.usage("ten_a", FROM, TO, GroupBy.TIER)).containsExactly(
                    new UsageGroup("free", 2, 150, 15, 0, 0, 1_000),
                    new UsageGroup("premium", 2, 500, 50, 0, 0, 12_000));
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
}
