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
     * SQLite inserts {@link LedgerWriter#ROWS_PER_INSERT} rows per statement; a replayed batch (duplicates in full
     * chunks and in the remainder) must still be reported row by row, with only the new rows' usage and spends
     * counted. Also run on PostgreSQL, which inserts row by row: the same answers.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void batchesLongerThanOneMultiRowInsertReportEveryDuplicateAndCountOnlyNewRows(Backend backend)
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
                boolean[] inserted = writer.commit(first);
                assertThat(inserted).hasSize(first.size()).doesNotContain(false);

                // A replay: one old row in the first chunk, one in the remainder, the rest new.
                List<UsageRow> replay = new ArrayList<>();
                for (int i = 0; i < chunk + 3; i++) {
                    String id = i == 7 ? "req-3" : i == chunk + 1 ? "req-" + (2 * chunk + 4) : "new-" + i;
                    replay.add(row(id, "ten_a", at, 100, spend));
                }
                boolean[] again = writer.commit(replay);
                for (int i = 0; i < replay.size(); i++) {
                    assertThat(again[i]).as("row %d", i).isEqualTo(i != 7 && i != chunk + 1);
                }
            } finally {
                db.close();
            }
            int distinct = 2 * chunk + 5 + chunk + 1;
            assertThat(LedgerTest.countRows(location)).isEqualTo(distinct);
            assertThat(LedgerTest.leaseUsed(location, lease.leaseId())).isEqualTo(distinct * 100L);
            assertThat(store.allowances().committed(account)).isEqualTo(distinct * 100L);
        }
    }
}
