package ai.aideon.store;

import ai.aideon.testkit.ManualClock;
import static ai.aideon.store.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import ai.aideon.core.tier.AccountKey;
import ai.aideon.core.tier.Lease;
import ai.aideon.core.tier.LeaseSpend;
import ai.aideon.core.tier.Meter;
import ai.aideon.core.tier.Period;
import java.nio.file.Path;
import java.time.Instant;
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
}
