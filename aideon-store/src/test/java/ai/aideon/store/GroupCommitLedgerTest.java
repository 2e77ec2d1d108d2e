package ai.aideon.store;

import static ai.aideon.store.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.aideon.core.tier.UsageLedger.LedgerUnavailableException;
import ai.aideon.core.tier.UsageRow;
import ai.aideon.testkit.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two ways a row reaches its sink: written alone by its caller, or batched by a group commit's leader. */
class GroupCommitLedgerTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2025-03-04T10:00:00Z"));

    @Test
    void aSinkThatWritesAloneGetsEachRowOnItsCallersThreadAndAFailureFailsOnlyThatCaller() throws Exception {
        RecordingSink sink = new RecordingSink(true);
        GroupCommitLedger ledger = new GroupCommitLedger(sink, clock);

        ledger.append(row("req-1", "ten_a", clock.instant(), 1));
        assertThat(sink.writers).containsExactly(Thread.currentThread());
        assertThat(sink.batchSizes).containsExactly(1);

        sink.failNext = true;
        assertThatThrownBy(() -> ledger.append(row("req-2", "ten_a", clock.instant(), 1)))
                .isInstanceOf(LedgerUnavailableException.class)
                .hasMessageContaining("ledger write of 1 row failed");
        assertThat(ledger.failedBatches()).isEqualTo(1);

        ledger.append(row("req-3", "ten_a", clock.instant(), 1));
        assertThat(sink.rowIds()).containsExactly("req-1", "req-3");
        assertThat(ledger.commits()).isEqualTo(2);
        assertThat(ledger.rowsCommitted()).isEqualTo(2);

        ledger.close();
        assertThat(sink.closed).isTrue();
        assertThatThrownBy(() -> ledger.append(row("req-late", "ten_a", clock.instant(), 1)))
                .isInstanceOf(LedgerUnavailableException.class);
        assertThat(sink.rowIds()).containsExactly("req-1", "req-3");
    }

    @Test
    void rowsWrittenAloneByConcurrentCallersAreEachWrittenOnceAndNeverTwoAtATime() throws Exception {
        RecordingSink sink = new RecordingSink(true);
        GroupCommitLedger ledger = new GroupCommitLedger(sink, clock);
        int callers = 200;
        Rows.appendConcurrently(ledger, callers, clock.instant(), 1);

        assertThat(sink.rowIds()).hasSize(callers).doesNotHaveDuplicates();
        assertThat(sink.batchSizes).containsOnly(1);
        assertThat(sink.overlapped).as("a write began while another was in progress").isFalse();
        assertThat(ledger.commits()).isEqualTo(callers);
    }

    @Test
    void aSinkThatDoesNotWriteAloneGetsTheRowsThatWaitedDuringAWriteInOneBatch() throws Exception {
        RecordingSink sink = new RecordingSink(false);
        sink.writeMillis = 20; // a flush: rows that finish meanwhile wait and go in the next batch together
        GroupCommitLedger ledger = new GroupCommitLedger(sink, clock);
        int callers = 50;
        Rows.appendConcurrently(ledger, callers, clock.instant(), 1);

        assertThat(sink.rowIds()).hasSize(callers).doesNotHaveDuplicates();
        assertThat(sink.overlapped).isFalse();
        assertThat(ledger.rowsCommitted()).isEqualTo(callers);
        assertThat(ledger.commits()).as("group commit: fewer writes than rows").isLessThan(callers);
        assertThat(sink.batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0)).isGreaterThan(1);
    }

    /** Keeps what it is given, in order; can fail its next write, take time, and tells whether writes overlapped. */
    private static final class RecordingSink implements LedgerSink {
        private final boolean writesAlone;
        final List<UsageRow> rows = new ArrayList<>();
        final List<Integer> batchSizes = new ArrayList<>();
        final List<Thread> writers = new ArrayList<>();
        volatile boolean failNext;
        volatile long writeMillis;
        volatile boolean overlapped;
        volatile boolean closed;
        private boolean writing;

        RecordingSink(boolean writesAlone) {
            this.writesAlone = writesAlone;
        }

        @Override
        public void write(List<UsageRow> batch) throws Exception {
            synchronized (this) {
                if (writing) {
                    overlapped = true;
                }
                writing = true;
            }
            try {
                if (failNext) {
                    failNext = false;
                    throw new java.io.IOException("disk full");
                }
                if (writeMillis > 0) {
                    Thread.sleep(writeMillis);
                }
                synchronized (this) {
                    rows.addAll(batch);
                    batchSizes.add(batch.size());
                    writers.add(Thread.currentThread());
                }
            } finally {
                synchronized (this) {
                    writing = false;
                }
            }
        }

        synchronized List<String> rowIds() {
            return rows.stream().map(UsageRow::requestId).toList();
        }

        @Override
        public boolean gatherBeforeWrite() {
            return false;
        }

        @Override
        public boolean writesAlone() {
            return writesAlone;
        }

        @Override
        public void sync() {
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
