package ai.aideon.store;

import ai.aideon.testkit.ManualClock;
import static ai.aideon.store.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.aideon.core.tier.AccountKey;
import ai.aideon.core.tier.AllowanceStore;
import ai.aideon.core.tier.Amounts;
import ai.aideon.core.tier.Lease;
import ai.aideon.core.tier.LeaseSpend;
import ai.aideon.core.tier.Meter;
import ai.aideon.core.tier.Period;
import ai.aideon.core.tier.UsageRow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AllowanceTest {

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.parse("2025-03-04T10:00:00Z"));

    private AccountKey costToday(String tenant) {
        return new AccountKey(tenant, Meter.COST_MICROS, Period.DAY, Period.DAY.windowStart(clock.instant()));
    }

    private Instant inAMinute() {
        return clock.instant().plusSeconds(60);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void leasesGrantWhatRemainsAndReleaseReturnsTheUnspentPart(Backend backend) throws Exception {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            AllowanceStore allowances = store.allowances();
            AccountKey account = costToday("ten_a");

            Lease first = allowances.lease(account, 1_000, 600, "i1", inAMinute());
            Lease second = allowances.lease(account, 1_000, 600, "i2", inAMinute());
            Lease third = allowances.lease(account, 1_000, 600, "i3", inAMinute());
            assertThat(List.of(first.amount(), second.amount(), third.amount())).containsExactly(600L, 400L, 0L);
            assertThat(first.key()).isEqualTo(account);
            assertThat(first.expiresAt()).isEqualTo(inAMinute());
            assertThat(Set.of(first.leaseId(), second.leaseId(), third.leaseId())).hasSize(3);

            store.ledger().append(row("r1", "ten_a", clock.instant(), 250, new LeaseSpend(first.leaseId(), 250)));
            allowances.release(first.leaseId());

            assertThat(allowances.committed(account)).isEqualTo(250);
            // 1000 − 250 committed − 400 still lent to i2
            assertThat(allowances.lease(account, 1_000, 10_000, "i3", inAMinute()).amount()).isEqualTo(350);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLeaseOfADeadInstanceExpiresAndReturnsOnlyWhatItDidNotSpend(Backend backend) throws Exception {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            AllowanceStore allowances = store.allowances();
            AccountKey account = costToday("ten_a");
            Lease dying = allowances.lease(account, 1_000, 600, "crashed", clock.instant().plusSeconds(30));
            Lease living = allowances.lease(account, 1_000, 1_000, "alive", clock.instant().plusSeconds(300));
            assertThat(living.amount()).isEqualTo(400);
            store.ledger().append(row("r1", "ten_a", clock.instant(), 100, new LeaseSpend(dying.leaseId(), 100)));
            // ... and the instance holding `dying` is killed: no release ever comes.

            assertThat(allowances.lease(account, 1_000, 1_000, "i3", inAMinute()).amount())
                    .as("still lent until it expires").isZero();

            clock.advance(Duration.ofSeconds(31));

            // 1000 − 100 committed − 400 lent to "alive": the 500 the dead instance never spent came back.
            assertThat(allowances.lease(account, 1_000, 1_000, "i3", inAMinute()).amount()).isEqualTo(500);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void renewKeepsLiveLeasesLentButCannotRaiseAnExpiredOne(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            AllowanceStore allowances = store.allowances();
            AccountKey account = costToday("ten_a");
            Lease kept = allowances.lease(account, 1_000, 300, "i1", clock.instant().plusSeconds(10));
            Lease lapsed = allowances.lease(account, 1_000, 300, "i1", clock.instant().plusSeconds(5));

            clock.advance(Duration.ofSeconds(6)); // lapsed has expired, kept has not
            allowances.renew(List.of(kept.leaseId(), lapsed.leaseId()), clock.instant().plusSeconds(60));
            allowances.renew(List.of(), clock.instant().plusSeconds(60));
            clock.advance(Duration.ofSeconds(30)); // past kept's original expiry

            // kept (300) is still lent; lapsed stayed expired, so its 300 is back.
            assertThat(allowances.lease(account, 1_000, 1_000, "i2", inAMinute()).amount()).isEqualTo(700);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void committedCountsTheAccountsMeterTenantAndWindowOnly(Backend backend) throws Exception {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            Instant dayStart = Period.DAY.windowStart(clock.instant());
            Instant monthStart = Period.MONTH.windowStart(clock.instant());
            store.ledger().append(row("in-1", "ten_a", dayStart, 10));
            store.ledger().append(row("in-2", "ten_a", dayStart.plusSeconds(86_399), 20));
            store.ledger().append(row("yesterday", "ten_a", dayStart.minusMillis(1), 400));
            store.ledger().append(row("tomorrow", "ten_a", dayStart.plusSeconds(86_400), 800));
            store.ledger().append(row("other-tenant", "ten_b", dayStart.plusSeconds(60), 1_600));
            store.ledger().append(new UsageRow("img", "ten_a", "k", "premium", "aideon/image", "stability", "sdxl",
                    "cloud", 1, 0, 0, new Amounts(1, 0, 3, 0, 40), 10, 200, null, dayStart.plusSeconds(5),
                    List.of(), null));

            AllowanceStore allowances = store.allowances();
            assertThat(allowances.committed(new AccountKey("ten_a", Meter.COST_MICROS, Period.DAY, dayStart)))
                    .isEqualTo(70);
            assertThat(allowances.committed(new AccountKey("ten_a", Meter.REQUESTS, Period.DAY, dayStart)))
                    .isEqualTo(3);
            assertThat(allowances.committed(new AccountKey("ten_a", Meter.IMAGES, Period.DAY, dayStart)))
                    .isEqualTo(3);
            assertThat(allowances.committed(new AccountKey("ten_a", Meter.TOKENS, Period.DAY, dayStart)))
                    .isEqualTo(240);
            assertThat(allowances.committed(new AccountKey("ten_a", Meter.COST_MICROS, Period.MONTH, monthStart)))
                    .isEqualTo(10 + 20 + 400 + 800 + 40);
            // Committed usage counts against the account even when no lease was involved.
            assertThat(allowances.lease(new AccountKey("ten_a", Meter.COST_MICROS, Period.DAY, dayStart), 100, 100,
                    "i1", inAMinute()).amount()).isEqualTo(30);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLeaseBornExpiredLendsNothing(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            assertThat(store.allowances().lease(costToday("ten_a"), 100, 10, "i1", clock.instant()).amount())
                    .isZero();
            assertThat(store.allowances().lease(costToday("ten_a"), 100, 100, "i1", inAMinute()).amount())
                    .isEqualTo(100);
            assertThatThrownBy(() -> store.allowances().lease(costToday("ten_a"), 100, -1, "i1", inAMinute()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * Three instances (Store objects on one database), three workers each, lease and spend one budget as fast as
     * they can: each spends every lease in full through the ledger, then asks again until nothing is left.
     * Overspend would show as more granted (and committed) than the budget.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void instancesSharingABudgetNeverOverspendIt(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        long max = 60_000; // the first leases (≤ 9 × 3000) all fit
        AccountKey account = costToday("ten_shared");
        List<Store> stores = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            stores.add(Store.open(location, clock));
        }
        AtomicLong granted = new AtomicLong();
        AtomicInteger leases = new AtomicInteger();
        AtomicInteger rows = new AtomicInteger();
        CyclicBarrier everyoneLeased = new CyclicBarrier(9);
        try (ExecutorService pool = Executors.newFixedThreadPool(9)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 9; w++) {
                Store store = stores.get(w % 3);
                String instance = "instance-" + (w % 3);
                SplittableRandom random = new SplittableRandom(w);
                workers.add(pool.submit(() -> {
                    int emptyGrants = 0;
                    boolean first = true;
                    while (emptyGrants < 3) {
                        Lease lease = store.allowances().lease(account, max, random.nextLong(200, 3_000), instance,
                                inAMinute());
                        if (lease.amount() == 0) {
                            emptyGrants++;
                            Thread.sleep(5);
                            continue;
                        }
                        emptyGrants = 0;
                        granted.addAndGet(lease.amount());
                        leases.incrementAndGet();
                        if (first) { // every worker holds a lease before anyone spends: all instances contend
                            first = false;
                            everyoneLeased.await(30, TimeUnit.SECONDS);
                        }
                        long left = lease.amount();
                        while (left > 0) {
                            long cost = Math.min(left, random.nextLong(50, 900));
                            store.ledger().append(row("r-" + rows.incrementAndGet(), "ten_shared", clock.instant(),
                                    cost, new LeaseSpend(lease.leaseId(), cost)));
                            left -= cost;
                        }
                        store.allowances().release(lease.leaseId());
                        assertThat(store.allowances().committed(account)).isLessThanOrEqualTo(max);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            stores.forEach(Store::close);
        }

        try (Store check = Store.open(location, clock)) {
            assertThat(granted.get()).as("granted across instances").isEqualTo(max);
            assertThat(check.allowances().committed(account)).isEqualTo(max);
        }
        assertThat(leases.get()).as("the budget was really shared out in slices").isGreaterThan(9);
        try (Connection c = Backend.rawConnection(location); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT instance_id), SUM(amount), SUM(used), "
                     + "SUM(CASE WHEN used > amount THEN 1 ELSE 0 END) FROM leases")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
            assertThat(rs.getLong(2)).isEqualTo(max);
            assertThat(rs.getLong(3)).isEqualTo(max);
            assertThat(rs.getInt(4)).as("leases spent past their amount").isZero();
        }
    }
}
