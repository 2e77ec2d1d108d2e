package ai.aideon.store;

import static ai.aideon.store.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import ai.aideon.core.tier.UsageRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LedgerIndexerTest {

    private static final Instant AT = Instant.parse("2025-03-04T10:00:00Z");

    @Test
    void rowsThatPiledUpBehindABusyDatabaseArriveInOrderInBatchesNoLargerThanTheLimit() throws Exception {
        CountDownLatch firstBatchStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> written = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        AtomicLong reportedThrough = new AtomicLong();
        LedgerIndexer indexer = new LedgerIndexer((rows, retry) -> {
            firstBatchStarted.countDown();
            assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            synchronized (written) {
                rows.forEach(r -> written.add(r.requestId()));
                batchSizes.add(rows.size());
            }
        }, reportedThrough::set, "test-indexer");
        try {
            List<String> submitted = new ArrayList<>();
            indexer.submit(List.of(row("req-0", "ten_a", AT, 1)));
            submitted.add("req-0");
            assertThat(firstBatchStarted.await(30, TimeUnit.SECONDS)).isTrue();

            // The database is busy with the first batch: 2.5 batches' worth piles up, submitted a few at a time.
            int total = LedgerIndexer.INDEX_BATCH * 5 / 2;
            for (int i = 1; i <= total; ) {
                List<UsageRow> some = new ArrayList<>();
                for (int j = 0; j < 7 && i <= total; j++, i++) {
                    some.add(row("req-" + i, "ten_a", AT, 1));
                    submitted.add("req-" + i);
                }
                indexer.submit(some);
            }
            assertThat(indexer.caughtUp()).isFalse();
            release.countDown();
            indexer.sync();

            assertThat(written).containsExactlyElementsOf(submitted);
            assertThat(batchSizes).allMatch(n -> n >= 1 && n <= LedgerIndexer.INDEX_BATCH);
            assertThat(batchSizes.size()).isGreaterThanOrEqualTo(4); // 1, then at least 3 for the 2.5 batches
            assertThat(reportedThrough.get()).isEqualTo(submitted.size());
            assertThat(indexer.caughtUp()).isTrue();
        } finally {
            release.countDown();
            indexer.close();
        }
    }

    @Test
    void aFailedBatchIsRetriedUntilItCommitsAndOnlyTheRetryIsToldItsRowsMayBeThere() throws Exception {
        List<Boolean> retries = new ArrayList<>();
        List<String> written = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        LedgerIndexer indexer = new LedgerIndexer((rows, retry) -> {
            synchronized (written) {
                retries.add(retry);
                if (calls.incrementAndGet() == 1) {
                    throw new SQLException("disk I/O error");
                }
                rows.forEach(r -> written.add(r.requestId()));
            }
        }, through -> { }, "test-indexer");
        try {
            indexer.submit(List.of(row("req-a", "ten_a", AT, 1), row("req-b", "ten_a", AT, 1)));
            indexer.sync();
            synchronized (written) {
                assertThat(written).containsExactly("req-a", "req-b");
                assertThat(retries).containsExactly(false, true);
            }

            indexer.submit(List.of(row("req-c", "ten_a", AT, 1)));
            indexer.sync();
            synchronized (written) {
                assertThat(written).containsExactly("req-a", "req-b", "req-c");
                assertThat(retries).as("the next batch is a first attempt again").containsExactly(false, true, false);
            }
        } finally {
            indexer.close();
        }
    }
}
