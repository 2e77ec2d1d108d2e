package ai.aideon.core.tier;

import ai.aideon.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static ai.aideon.core.tier.Meter.COST_MICROS;
import static ai.aideon.core.tier.Meter.IMAGES;
import static ai.aideon.core.tier.Meter.REQUESTS;
import static ai.aideon.core.tier.Period.DAY;
import static ai.aideon.core.tier.Period.MONTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AccountantTest {
    private static final Duration TTL = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock("2025-03-10T12:00:00Z");
    private final InMemoryAllowanceStore memory = new InMemoryAllowanceStore(clock);
    private final CountingStore store = new CountingStore(memory);
    private final List<Accountant> accountants = new ArrayList<>();

    @AfterEach
    void closeAll() {
        accountants.forEach(Accountant::close);
    }

    private Accountant accountant(String instance) {
        Accountant a = new Accountant(store, clock, instance, AccountantSettings.defaults());
        accountants.add(a);
        return a;
    }

    private static Principal principal(Limit... limits) {
        return new Principal("t1", "acme", "k1", "free", List.of(limits), 0, 0, false);
    }

    private static Amounts cost(long micros) {
        return new Amounts(1, 0, 0, 0, micros);
    }

    private AccountKey key(Meter meter, Period period) {
        return new AccountKey("t1", meter, period, period.windowStart(clock.instant()));
    }

    /** The request path after the upstream call: ledger commit (played by the store), then settle. */
    private void complete(Accountant a, Reservation r, Amounts actual) {
        memory.commit(r.spends(actual));
        a.settle(r, actual);
    }

    // ---- zero overspend ----

    @Test
    void zeroOverspendUnderConcurrencyOnOneInstance() throws Exception {
        budgetRace(1);
    }

    @Test
    void zeroOverspendUnderConcurrencyAcrossThreeInstancesSharingAStore() throws Exception {
        budgetRace(3);
    }

    private void budgetRace(int instances) throws Exception {
        List<Accountant> fleet = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            fleet.add(accountant("gw-" + i));
        }
        Principal p = principal(new Limit(COST_MICROS, DAY, 50_000));
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicLong spent = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                Accountant a = fleet.get(i % instances);
                Random rnd = new Random(7_919L * i + instances);
                futures.add(pool.submit(() -> {
                    start.await();
                    long worst = 1 + rnd.nextInt(1_000);
                    // actual ≤ worst case, mostly close to it (so an overdraw would show as overspend)
                    long actual = rnd.nextInt(10) == 0 ? rnd.nextLong(worst + 1) : worst - rnd.nextLong(worst / 8 + 1);
                    Reservation r;
                    try {
                        r = a.reserve(p, cost(worst));
                    } catch (LimitExceededException e) {
                        assertThat(e.isBudget()).isTrue();
                        refused.incrementAndGet();
                        return null;
                    }
                    Thread.yield(); // let others interleave while this one is "upstream"
                    complete(a, r, cost(actual));
                    admitted.incrementAndGet();
                    spent.addAndGet(actual);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
        AccountKey budget = key(COST_MICROS, DAY);
        assertThat(memory.committed(budget)).isEqualTo(spent.get()).isLessThanOrEqualTo(50_000);
        assertThat(refused.get()).isPositive();
        assertThat(admitted.get()).isPositive();
        assertThat(admitted.get() + refused.get()).isEqualTo(1_000);
        for (Accountant a : fleet) {
            assertThat(a.reservedInFlight()).as("everything reserved was settled").isZero();
        }
        fleet.forEach(Accountant::close);
        assertThat(memory.leased(budget)).as("every lease returned").isZero();
        assertThat(memory.liveLeases(budget)).isEmpty();
    }

    @Test
    void sequentialRequestsUseTheWholeBudgetAndSlicesShrinkNearTheLimit() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(COST_MICROS, DAY, 10_300));
        int admitted = 0;
        LimitExceededException refusal = null;
        for (int i = 0; i < 200 && refusal == null; i++) {
            try {
                Reservation r = a.reserve(p, cost(100));
                complete(a, r, cost(100));
                admitted++;
            } catch (LimitExceededException e) {
                refusal = e;
            }
        }
        assertThat(admitted).as("no budget stranded in lease remainders").isEqualTo(103);
        assertThat(memory.committed(key(COST_MICROS, DAY))).isEqualTo(10_300);
        assertThat(refusal).isNotNull();
        assertThat(refusal.remaining()).isZero();
        assertThat(refusal.needed()).isEqualTo(100);
        List<Long> positive = store.grants.stream().filter(g -> g > 0).toList();
        assertThat(positive.getFirst()).isEqualTo(1_030); // a tenth of the budget
        assertThat(positive.getLast()).isLessThan(positive.getFirst());
        assertThat(store.leaseCalls.get()).isLessThan(20);
    }

    // ---- leases ----

    @Test
    void theStoreIsCalledRarely() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(COST_MICROS, MONTH, 1_000_000), new Limit(REQUESTS, DAY, 100_000));
        Random rnd = new Random(1);
        for (int i = 0; i < 1_000; i++) {
            Reservation r = a.reserve(p, cost(500));
            complete(a, r, cost(100 + rnd.nextInt(401)));
        }
        // 1,000 requests, two accounts: a handful of leases, not one per request.
        assertThat(store.leaseCalls.get()).isLessThanOrEqualTo(10);
        assertThat(store.releaseCalls.get()).isLessThanOrEqualTo(10);
        assertThat(memory.committed(key(REQUESTS, DAY))).isEqualTo(1_000);
    }

    @Test
    void anExpiredLeaseReturnsItsUnspentPart() throws Exception {
        Accountant a = accountant("gw-dies");
        Principal p = principal(new Limit(COST_MICROS, DAY, 10_000));
        Reservation r = a.reserve(p, cost(100));
        complete(a, r, cost(100));
        AccountKey budget = key(COST_MICROS, DAY);
        assertThat(memory.leased(budget)).isEqualTo(900); // slice of 1,000, 100 spent
        // The instance dies: no release, no heartbeat. Its lease runs out.
        clock.advance(TTL.plusSeconds(1));
        assertThat(memory.leased(budget)).isZero();
        Lease other = memory.lease(budget, 10_000, 10_000, "gw-other", clock.instant().plus(TTL));
        assertThat(other.amount()).isEqualTo(9_900);
        assertThat(memory.committed(budget)).isEqualTo(100);
    }

    @Test
    void aLeaseNearExpiryIsNotDrawnFrom() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(COST_MICROS, DAY, 10_000));
        complete(a, a.reserve(p, cost(100)), cost(100));
        String first = memory.liveLeases(key(COST_MICROS, DAY)).getFirst().leaseId();
        clock.advance(Duration.ofSeconds(21)); // 9 s left < ttl / 3: the heartbeat was missed
        Reservation r = a.reserve(p, cost(100));
        assertThat(store.leaseCalls.get()).isEqualTo(2);
        assertThat(store.releasedIds).contains(first);
        assertThat(r.spends(cost(1)).getFirst().leaseId()).isNotEqualTo(first);
        complete(a, r, cost(100));
        assertThat(memory.committed(key(COST_MICROS, DAY))).isEqualTo(200);
    }

    @Test
    void theHeartbeatRenewsHeldLeases() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(COST_MICROS, DAY, 10_000));
        Reservation r1 = a.reserve(p, cost(100));
        String leaseId = r1.spends(cost(0)).getFirst().leaseId();
        clock.advance(Duration.ofSeconds(15));
        a.heartbeat();
        assertThat(store.renewedIds).containsExactly(leaseId);
        assertThat(memory.liveLeases(key(COST_MICROS, DAY)).getFirst().expiresAt())
                .isEqualTo(clock.instant().plus(TTL));
        clock.advance(Duration.ofSeconds(20)); // 35 s after the lease was taken: alive thanks to the renewal
        assertThat(memory.leased(key(COST_MICROS, DAY))).isEqualTo(1_000);
        Reservation r2 = a.reserve(p, cost(100));
        assertThat(store.leaseCalls.get()).as("drawn from the renewed lease").isEqualTo(1);
        complete(a, r1, cost(50));
        complete(a, r2, cost(50));
        assertThat(memory.committed(key(COST_MICROS, DAY))).isEqualTo(100);
    }

    @Test
    void theHeartbeatReleasesLeasesIdleForAWholeTtl() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(COST_MICROS, DAY, 10_000));
        complete(a, a.reserve(p, cost(100)), cost(100));
        clock.advance(Duration.ofSeconds(10));
        a.heartbeat();
        assertThat(a.heldLeases()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(20));
        a.heartbeat();
        assertThat(a.heldLeases()).isZero();
        assertThat(memory.leased(key(COST_MICROS, DAY))).isZero();
    }

    @Test
    void aNewPeriodWindowStartsAFreshAccountAndTheOldOneIsReleasedOnceIdle() throws Exception {
        clock.set(Instant.parse("2025-03-10T23:59:50Z"));
        AccountKey yesterday = key(REQUESTS, DAY);
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(REQUESTS, DAY, 100));
        Amounts one = new Amounts(1, 0, 0, 0, 0);
        complete(a, a.reserve(p, one), one);
        Reservation acrossMidnight = a.reserve(p, one);
        clock.set(Instant.parse("2025-03-11T00:00:05Z"));
        AccountKey today = key(REQUESTS, DAY);
        assertThat(today).isNotEqualTo(yesterday);
        Reservation fresh = a.reserve(p, one);
        assertThat(fresh.accounts()).containsExactly(today);
        assertThat(store.leaseCalls.get()).isEqualTo(2);
        a.heartbeat();
        assertThat(memory.leased(yesterday)).as("kept while a request is in flight on it").isPositive();
        complete(a, acrossMidnight, one);
        assertThat(memory.leased(yesterday)).isZero();
        complete(a, fresh, one);
        assertThat(memory.committed(yesterday)).isEqualTo(2);
        assertThat(memory.committed(today)).isEqualTo(1);
    }

    @Test
    void aRequestsPerDayQuotaRefusesTheNextRequestUntilMidnightUtc() throws Exception {
        Accountant a = accountant("gw");
        Limit quota = new Limit(REQUESTS, DAY, 5);
        Principal p = principal(quota);
        Amounts one = new Amounts(1, 500, 0, 0, 0);
        for (int i = 0; i < 5; i++) {
            complete(a, a.reserve(p, one), one);
        }
        LimitExceededException e = catchThrowableOfType(LimitExceededException.class, () -> a.reserve(p, one));
        assertThat(e.limit()).isEqualTo(quota);
        assertThat(e.isBudget()).isFalse();
        assertThat(e.needed()).isEqualTo(1);
        assertThat(e.remaining()).isZero();
        assertThat(e.resetsAt()).isEqualTo(Instant.parse("2025-03-11T00:00:00Z"));
        clock.set(Instant.parse("2025-03-11T00:00:00Z"));
        complete(a, a.reserve(p, one), one);
    }

    @Test
    void reservationsAreAllOrNothingAcrossLimits() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(REQUESTS, DAY, 100), new Limit(COST_MICROS, DAY, 1_000));
        Reservation big = a.reserve(p, cost(900));
        assertThat(a.reservedInFlight()).isEqualTo(1 + 900);
        LimitExceededException e = catchThrowableOfType(LimitExceededException.class, () -> a.reserve(p, cost(200)));
        assertThat(e.isBudget()).isTrue();
        assertThat(e.remaining()).isEqualTo(100);
        assertThat(e.needed()).isEqualTo(200);
        assertThat(a.reservedInFlight()).as("the requests quota drawn first was rolled back").isEqualTo(1 + 900);
        assertThatThrownBy(() -> a.reserve(p, cost(5_000))).isInstanceOf(LimitExceededException.class);
        assertThat(a.reservedInFlight()).isEqualTo(1 + 900);
        a.cancel(big);
        assertThat(a.reservedInFlight()).isZero();
        assertThat(memory.committed(key(REQUESTS, DAY))).isZero();
    }

    @Test
    void aLimitOfZeroRefusesAnyPositiveNeedWithoutAskingTheStore() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(IMAGES, DAY, 0));
        LimitExceededException e = catchThrowableOfType(LimitExceededException.class,
                () -> a.reserve(p, new Amounts(1, 0, 2, 0, 0)));
        assertThat(e.remaining()).isZero();
        assertThat(store.leaseCalls.get()).isZero();
        Reservation text = a.reserve(p, cost(10)); // needs no images: the limit does not apply
        assertThat(text.spends(cost(10))).isEmpty();
        a.settle(text, cost(10));
    }

    @Test
    void limitsOfTheSameSlotCollapseToTheStrictest() {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(COST_MICROS, DAY, 1_000), new Limit(COST_MICROS, DAY, 500));
        assertThatThrownBy(() -> a.reserve(p, cost(600))).isInstanceOf(LimitExceededException.class);
    }

    @Test
    void cancelReturnsEverythingAndSettlingTwiceCountsOnce() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(COST_MICROS, DAY, 10_000));
        Reservation r = a.reserve(p, cost(500));
        AccountKey budget = key(COST_MICROS, DAY);
        assertThat(a.available(budget)).isEqualTo(1_500);
        a.cancel(r);
        assertThat(r.isOpen()).isFalse();
        assertThat(a.available(budget)).isEqualTo(2_000);
        a.settle(r, cost(500));
        a.cancel(r);
        assertThat(a.available(budget)).isEqualTo(2_000);
        assertThat(a.reservedInFlight()).isZero();
    }

    @Test
    void spendsTellTheTruthWhenAnUpstreamReportsMoreThanTheWorstCase() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(REQUESTS, DAY, 10), new Limit(COST_MICROS, DAY, 10_000));
        Reservation r = a.reserve(p, cost(100));
        List<LeaseSpend> spends = r.spends(cost(150));
        assertThat(spends).extracting(LeaseSpend::amount).containsExactly(1L, 150L);
        complete(a, r, cost(150));
        assertThat(memory.committed(key(COST_MICROS, DAY))).isEqualTo(150);
        assertThat(a.available(key(COST_MICROS, DAY))).isEqualTo(1_000 - 150);
    }

    @Test
    void whenANewSliceIsTooSmallIdleLeasesAreReturnedAndTheStoreAskedAgain() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(COST_MICROS, DAY, 1_000));
        complete(a, a.reserve(p, cost(100)), cost(100)); // lease of 400, 300 left idle
        // 700 fits in what remains (900), but neither in the idle lease (300) nor in a new slice (600) alone.
        Reservation r = a.reserve(p, cost(700));
        assertThat(store.grants).containsExactly(400L, 600L, 900L);
        complete(a, r, cost(700));
        assertThat(memory.committed(key(COST_MICROS, DAY))).isEqualTo(800);
    }

    @Test
    void afterTheStoreRanDryItIsNotAskedAgainForASecond() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(COST_MICROS, DAY, 1_000));
        complete(a, a.reserve(p, cost(1_000)), cost(1_000));
        int calls = store.leaseCalls.get();
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> a.reserve(p, cost(10))).isInstanceOf(LimitExceededException.class);
        }
        assertThat(store.leaseCalls.get()).isEqualTo(calls + 1);
        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> a.reserve(p, cost(10))).isInstanceOf(LimitExceededException.class);
        assertThat(store.leaseCalls.get()).isEqualTo(calls + 2);
    }

    @Test
    void closeReleasesIdleLeasesAndRefusesNewReservations() throws Exception {
        Accountant a = accountant("gw");
        Principal p = principal(new Limit(COST_MICROS, DAY, 10_000), new Limit(REQUESTS, DAY, 100));
        complete(a, a.reserve(p, cost(100)), cost(100));
        Reservation inFlight = a.reserve(p, cost(100));
        a.close();
        assertThat(memory.leased(key(COST_MICROS, DAY))).isPositive();
        complete(a, inFlight, cost(100));
        assertThat(memory.leased(key(COST_MICROS, DAY))).isZero();
        assertThat(memory.leased(key(REQUESTS, DAY))).isZero();
        assertThat(a.heldLeases()).isZero();
        assertThatThrownBy(() -> a.reserve(p, cost(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPrincipalWithoutLimitsReservesNothing() throws Exception {
        Accountant a = accountant("gw");
        Reservation r = a.reserve(principal(), cost(1_000_000));
        assertThat(r.spends(cost(5))).isEmpty();
        assertThat(r.reserved()).isEqualTo(cost(1_000_000));
        a.settle(r, cost(5));
        assertThat(store.leaseCalls.get()).isZero();
    }

    @Test
    void aReservationSettlesOnlyOnItsOwnAccountant() throws Exception {
        Accountant a = accountant("gw-a");
        Accountant b = accountant("gw-b");
        Reservation r = a.reserve(principal(new Limit(COST_MICROS, DAY, 1_000)), cost(10));
        assertThatThrownBy(() -> b.settle(r, cost(10))).isInstanceOf(IllegalArgumentException.class);
        a.cancel(r);
    }
}
