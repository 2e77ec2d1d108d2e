package ai.aideon.core.tier;

import ai.aideon.testkit.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryAllowanceStoreTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    private final ManualClock clock = new ManualClock("2025-03-10T12:00:00Z");
    private final InMemoryAllowanceStore store = new InMemoryAllowanceStore(clock);
    private final AccountKey key = new AccountKey("t1", Meter.COST_MICROS, Period.DAY,
            Instant.parse("2025-03-10T00:00:00Z"));

    private Instant expiry() {
        return clock.instant().plus(TTL);
    }

    @Test
    void grantsNeverExceedWhatIsLeftBelowMax() {
        assertThat(store.lease(key, 1_000, 600, "a", expiry()).amount()).isEqualTo(600);
        assertThat(store.lease(key, 1_000, 600, "b", expiry()).amount()).isEqualTo(400);
        Lease none = store.lease(key, 1_000, 1, "c", expiry());
        assertThat(none.amount()).isZero();
        assertThat(store.leased(key)).isEqualTo(1_000);
    }

    @Test
    void committedUsageStaysCountedAfterItsLeaseEnds() {
        Lease l = store.lease(key, 1_000, 1_000, "a", expiry());
        store.commit(List.of(new LeaseSpend(l.leaseId(), 300)));
        assertThat(store.committed(key)).isEqualTo(300);
        assertThat(store.leased(key)).isEqualTo(700);
        store.release(l.leaseId());
        assertThat(store.leased(key)).isZero();
        assertThat(store.lease(key, 1_000, 1_000, "b", expiry()).amount()).isEqualTo(700);
    }

    @Test
    void anExpiredLeaseCannotBeRenewedBackToLife() {
        Lease l = store.lease(key, 1_000, 1_000, "a", expiry());
        clock.advance(TTL);
        store.renew(List.of(l.leaseId()), clock.instant().plus(TTL));
        assertThat(store.liveLeases(key)).isEmpty();
        Lease other = store.lease(key, 1_000, 1_000, "b", expiry());
        assertThat(other.amount()).isEqualTo(1_000);
    }

    @Test
    void renewalExtendsALiveLease() {
        Lease l = store.lease(key, 1_000, 100, "a", expiry());
        clock.advance(Duration.ofSeconds(20));
        store.renew(List.of(l.leaseId()), clock.instant().plus(TTL));
        clock.advance(Duration.ofSeconds(20));
        assertThat(store.liveLeases(key)).extracting(Lease::leaseId).containsExactly(l.leaseId());
    }

    @Test
    void aSpendToAnUnknownLeaseCommitsNothingOfTheRow() {
        Lease l = store.lease(key, 1_000, 100, "a", expiry());
        assertThatThrownBy(() -> store.commit(List.of(new LeaseSpend(l.leaseId(), 10),
                new LeaseSpend("nope", 5)))).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.committed(key)).isZero();
    }

    @Test
    void aSpendMustNameALeaseOfItsAccount() {
        Lease l = store.lease(key, 1_000, 100, "a", expiry());
        AccountKey other = new AccountKey("t2", Meter.COST_MICROS, Period.DAY, key.windowStart());
        assertThatThrownBy(() -> store.commit(other, 10, l.leaseId())).isInstanceOf(IllegalArgumentException.class);
        store.commit(other, 10, null);
        assertThat(store.committed(other)).isEqualTo(10);
    }

    @Test
    void overspentLeasesDoNotLendNegativeAmounts() {
        Lease l = store.lease(key, 1_000, 100, "a", expiry());
        store.commit(key, 150, l.leaseId()); // an upstream reported more than the worst case
        assertThat(store.leased(key)).isZero();
        assertThat(store.lease(key, 1_000, 1_000, "b", expiry()).amount()).isEqualTo(850);
    }
}
