package ai.aideon.store;

import ai.aideon.testkit.ManualClock;
import static ai.aideon.store.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.aideon.core.tier.AccountKey;
import ai.aideon.core.tier.Amounts;
import ai.aideon.core.tier.Lease;
import ai.aideon.core.tier.LeaseSpend;
import ai.aideon.core.tier.Meter;
import ai.aideon.core.tier.Period;
import ai.aideon.core.tier.UsageLedger.LedgerUnavailableException;
import ai.aideon.core.tier.UsageRow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LedgerTest {

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.parse("2025-03-04T10:00:00Z"));

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anAppendedRowIsVisibleToANewConnectionOnceTheLedgerIsSynced(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        try (Store store = Store.open(location, clock)) {
            Instant at = Instant.parse("2025-03-04T23:59:59.250Z");
            store.ledger().append(new UsageRow("req-1", "ten_a", "k1", "premium", "aideon/text", "together",
                    "meta-llama/Llama-3-70b", "cloud", 2, 1200, 300, new Amounts(1, 1500, 0, 0, 1_234), 850, 200, null,
                    at, List.of(), null));
            store.ledger().sync();

            // Not closed: a connection of its own must see the row with every field.
            try (Connection c = Backend.rawConnection(location);
                 PreparedStatement s = c.prepareStatement("SELECT * FROM usage_ledger WHERE request_id = ?")) {
                s.setString(1, "req-1");
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("tenant_id")).isEqualTo("ten_a");
                    assertThat(rs.getString("key_id")).isEqualTo("k1");
                    assertThat(rs.getString("tier")).isEqualTo("premium");
                    assertThat(rs.getString("route")).isEqualTo("aideon/text");
                    assertThat(rs.getString("provider")).isEqualTo("together");
                    assertThat(rs.getString("model")).isEqualTo("meta-llama/Llama-3-70b");
                    assertThat(rs.getString("source")).isEqualTo("cloud");
                    assertThat(rs.getInt("attempts")).isEqualTo(2);
                    assertThat(rs.getLong("prompt_tokens")).isEqualTo(1200);
                    assertThat(rs.getLong("completion_tokens")).isEqualTo(300);
                    assertThat(rs.getLong("requests")).isEqualTo(1);
                    assertThat(rs.getLong("tokens")).isEqualTo(1500);
                    assertThat(rs.getLong("cost_micros")).isEqualTo(1_234);
                    assertThat(rs.getLong("latency_ms")).isEqualTo(850);
                    assertThat(rs.getInt("status")).isEqualTo(200);
                    assertThat(rs.getString("error_kind")).isNull();
                    assertThat(rs.getLong("created_at")).isEqualTo(at.toEpochMilli());
                    assertThat(rs.getString("usage_day")).isEqualTo("2025-03-04");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void concurrentAppendsAreCommittedOnceEachAndShareTransactionsOnPostgres(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        int callers = 200;
        try (Store store = Store.open(location, clock)) {
            Rows.appendConcurrently(store.ledger(), callers, clock.instant(), 10);
            store.ledger().sync();

            assertThat(countRows(location)).isEqualTo(callers);
            assertThat(store.ledger().rowsCommitted()).isEqualTo(callers);
            if (backend == Backend.POSTGRES) {
                assertThat(store.ledger().commits()).as("group commit: fewer transactions than rows")
                        .isLessThan(callers);
            } else {
                // SQLite's commit is a copy into the mapped journal, which each caller makes for its own row:
                // batching would only add hand-offs. No row is committed twice.
                assertThat(store.ledger().commits()).isEqualTo(callers);
            }
        }
    }

    /**
     * PostgreSQL only: its request-id key skips a second append of an id. SQLite's ledger has no such key (see
     * migration V5) and looks ids up only when it replays a journal (LedgerJournalTest, LedgerWriterTest); live
     * appends rely on the {@link ai.aideon.core.tier.UsageLedger} contract that each request id is appended once.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "POSTGRES")
    void postgresKeepsTheFirstRowOfADuplicateRequestIdAndDoesNotSpendTwice(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        try (Store store = Store.open(location, clock)) {
            AccountKey account = new AccountKey("ten_a", Meter.COST_MICROS, Period.DAY,
                    Period.DAY.windowStart(clock.instant()));
            Lease lease = store.allowances().lease(account, 10_000, 1_000, "i1", clock.instant().plusSeconds(60));

            store.ledger().append(row("req-dup", "ten_a", clock.instant(), 300, new LeaseSpend(lease.leaseId(), 300)));
            store.ledger().append(row("req-dup", "ten_a", clock.instant(), 999, new LeaseSpend(lease.leaseId(), 999)));
            store.ledger().sync();

            assertThat(countRows(location)).isEqualTo(1);
            assertThat(store.allowances().committed(account)).isEqualTo(300);
            assertThat(leaseUsed(location, lease.leaseId())).isEqualTo(300);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void spendsOfABatchAreAddedToTheirLeasesInTheSameCommit(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        try (Store store = Store.open(location, clock);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Instant now = clock.instant();
            AccountKey cost = new AccountKey("ten_a", Meter.COST_MICROS, Period.MONTH, Period.MONTH.windowStart(now));
            AccountKey requests = new AccountKey("ten_a", Meter.REQUESTS, Period.DAY, Period.DAY.windowStart(now));
            Lease costLease = store.allowances().lease(cost, 1_000_000, 100_000, "i1", now.plusSeconds(60));
            Lease requestLease = store.allowances().lease(requests, 1_000, 100, "i1", now.plusSeconds(60));

            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String id = "req-" + i;
                done.add(pool.submit(() -> {
                    store.ledger().append(row(id, "ten_a", now, 7, new LeaseSpend(costLease.leaseId(), 7),
                            new LeaseSpend(requestLease.leaseId(), 1)));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            store.ledger().sync();

            assertThat(leaseUsed(location, costLease.leaseId())).isEqualTo(350);
            assertThat(leaseUsed(location, requestLease.leaseId())).isEqualTo(50);
            assertThat(store.allowances().committed(cost)).isEqualTo(350);
            assertThat(store.allowances().committed(requests)).isEqualTo(50);
        }
    }

    /** PostgreSQL commits each batch itself: a failed commit must fail its callers. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "POSTGRES")
    void aFailedCommitFailsItsCallersInsteadOfDroppingRows(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        try (Store store = Store.open(location, clock)) {
            store.ledger().append(row("req-ok", "ten_a", clock.instant(), 1));
            try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE usage_ledger RENAME TO usage_ledger_away");
            }

            assertThatThrownBy(() -> store.ledger().append(row("req-lost", "ten_a", clock.instant(), 1)))
                    .isInstanceOf(LedgerUnavailableException.class);
            assertThat(store.ledger().failedBatches()).isEqualTo(1);

            try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE usage_ledger_away RENAME TO usage_ledger");
            }
            // The writer survived the failure and commits again.
            store.ledger().append(row("req-later", "ten_a", clock.instant(), 1));
            assertThat(countRows(location)).isEqualTo(2);
        }
    }

    /**
     * SQLite journals rows first: while the database refuses them they wait in the journal (the append succeeded,
     * the row is durable) and the indexer retries until they are in.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "SQLITE")
    void whileTheDatabaseRefusesRowsTheyWaitInTheJournalAndArriveLater(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        try (Store store = Store.open(location, clock)) {
            store.ledger().append(row("req-ok", "ten_a", clock.instant(), 1));
            store.ledger().sync();
            try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE usage_ledger RENAME TO usage_ledger_away");
            }

            store.ledger().append(row("req-waits", "ten_a", clock.instant(), 1));
            assertThat(store.ledger().failedBatches()).isZero();
            Thread.sleep(200); // let the indexer meet the missing table at least once

            try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE usage_ledger_away RENAME TO usage_ledger");
            }
            store.ledger().sync();
            assertThat(rowIds(location)).containsExactlyInAnyOrder("req-ok", "req-waits");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closeCommitsWhatIsQueuedAndThenRefusesNewRows(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        Store store = Store.open(location, clock);
        int callers = 100;
        Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch started = new CountDownLatch(callers);
            for (int i = 0; i < callers; i++) {
                String id = "req-" + i;
                pool.submit(() -> {
                    started.countDown();
                    try {
                        store.ledger().append(row(id, "ten_a", clock.instant(), 1));
                        acknowledged.add(id);
                    } catch (LedgerUnavailableException refused) {
                        // arrived after close: refused, and the caller knows
                    }
                    return null;
                });
            }
            started.await();
            store.close();
        }
        assertThat(countRows(location)).isEqualTo(acknowledged.size());
        assertThat(new HashSet<>(rowIds(location))).containsAll(acknowledged);
        assertThatThrownBy(() -> store.ledger().append(row("late", "ten_a", clock.instant(), 1)))
                .isInstanceOf(LedgerUnavailableException.class);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void rowsWithoutCreationTimeAreStampedByTheStoreClock(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        try (Store store = Store.open(location, clock)) {
            clock.advance(Duration.ofHours(15)); // 2025-03-05T01:00Z
            store.ledger().append(row("req-now", "ten_a", null, 5));
            store.ledger().sync();
            try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT created_at, usage_day FROM usage_ledger")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(Instant.parse("2025-03-05T01:00:00Z").toEpochMilli());
                assertThat(rs.getString(2)).isEqualTo("2025-03-05");
            }
            assertThatThrownBy(() -> store.ledger().append(row(" ", "ten_a", null, 5)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    static long countRows(String location) throws Exception {
        try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM usage_ledger")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<String> rowIds(String location) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT request_id FROM usage_ledger")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    static long leaseUsed(String location, String leaseId) throws Exception {
        try (Connection c = Backend.rawConnection(location);
             PreparedStatement s = c.prepareStatement("SELECT used FROM leases WHERE id = ?")) {
            s.setString(1, leaseId);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("lease " + leaseId).isTrue();
                return rs.getLong(1);
            }
        }
    }
}
