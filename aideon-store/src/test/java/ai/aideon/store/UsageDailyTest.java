package ai.aideon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.aideon.core.tier.AccountKey;
import ai.aideon.core.tier.Meter;
import ai.aideon.core.tier.Period;
import ai.aideon.testkit.ManualClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an account's window has used comes from per-day totals the ledger writer keeps in the same transaction as
 * its rows; they must always equal the ledger's own sums, and the migration that introduced them fills them in.
 */
class UsageDailyTest {

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock("2025-03-30T22:00:00Z");

    @ParameterizedTest
    @EnumSource(Backend.class)
    void dailyTotalsEqualTheLedgerAcrossDaysAndMonthsAndIgnoreDuplicates(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        try (Store store = Store.open(location, clock)) {
            // 2025-03-30 22:00 .. 2025-04-01 10:00 in 2-hour steps: three days, two months, two tenants.
            for (int i = 0; i < 18; i++) {
                store.ledger().append(Rows.row("req-" + i, i % 3 == 0 ? "ten_b" : "ten_a", clock.instant(), 10 + i));
                clock.advance(Duration.ofHours(2));
            }
            store.ledger().append(Rows.row("req-0", "ten_b", clock.instant(), 999)); // duplicate: ignored
            store.ledger().sync();

            for (String tenant : List.of("ten_a", "ten_b")) {
                for (Instant at : List.of(Instant.parse("2025-03-30T23:00:00Z"), Instant.parse("2025-03-31T12:00:00Z"),
                        Instant.parse("2025-04-01T01:00:00Z"))) {
                    for (Period period : Period.values()) {
                        for (Meter meter : List.of(Meter.COST_MICROS, Meter.REQUESTS, Meter.TOKENS)) {
                            AccountKey key = new AccountKey(tenant, meter, period, period.windowStart(at));
                            assertThat(store.allowances().committed(key)).as(key.id())
                                    .isEqualTo(ledgerSum(location, key));
                        }
                    }
                }
            }
            assertThat(store.allowances().committed(new AccountKey("ten_b", Meter.COST_MICROS, Period.MONTH,
                    Instant.parse("2025-03-01T00:00:00Z")))).as("ten_b in March: req-0, 3, 6, 9, 12; the duplicate not")
                    .isEqualTo(10 + 13 + 16 + 19 + 22);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theMigrationFillsInTheDailyTotalsOfAnExistingLedger(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        StoreLocation parsed = StoreLocation.parse(location);
        // A database as the previous release left it: schema version 1, with ledger rows.
        Flyway.configure().dataSource(parsed.jdbcUrl(), parsed.user(), parsed.password())
                .locations(parsed.dialect().migrations()).target("1").load().migrate();
        try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement()) {
            s.execute(insert("old-1", "ten_a", 100, "2025-03-04T10:00:00Z"));
            s.execute(insert("old-2", "ten_a", 250, "2025-03-04T23:59:59Z"));
            s.execute(insert("old-3", "ten_a", 7, "2025-03-05T00:00:00Z"));
            s.execute(insert("old-4", "ten_b", 1, "2025-03-04T12:00:00Z"));
        }

        try (Store store = Store.open(location, clock)) {
            AccountKey march4 = new AccountKey("ten_a", Meter.COST_MICROS, Period.DAY,
                    Instant.parse("2025-03-04T00:00:00Z"));
            AccountKey march = new AccountKey("ten_a", Meter.COST_MICROS, Period.MONTH,
                    Instant.parse("2025-03-01T00:00:00Z"));
            assertThat(store.allowances().committed(march4)).isEqualTo(350);
            assertThat(store.allowances().committed(march)).isEqualTo(357);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "SQLITE")
    void aWindowThatDoesNotStartAtMidnightIsRefused(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            assertThatThrownBy(() -> store.allowances().committed(new AccountKey("ten_a", Meter.COST_MICROS,
                    Period.DAY, Instant.parse("2025-03-04T10:00:00Z"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("midnight");
        }
    }

    private static String insert(String id, String tenant, long cost, String at) {
        Instant t = Instant.parse(at);
        return "INSERT INTO usage_ledger (request_id, tenant_id, attempts, prompt_tokens, completion_tokens, requests, "
                + "tokens, images, audio_seconds, cost_micros, latency_ms, status, created_at, usage_day) VALUES ('"
                + id + "', '" + tenant + "', 1, 10, 5, 1, 15, 0, 0, " + cost + ", 3, 200, " + t.toEpochMilli()
                + ", '" + Epoch.utcDay(t) + "')";
    }

    /** The old way: the ledger's own sum over the window. */
    private static long ledgerSum(String location, AccountKey key) throws Exception {
        try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(" + MeterColumns.of(key.meter())
                     + "), 0) FROM usage_ledger WHERE tenant_id = '" + key.tenantId() + "' AND created_at >= "
                     + key.windowStart().toEpochMilli() + " AND created_at < "
                     + key.period().windowEnd(key.windowStart()).toEpochMilli())) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
