package ai.aideon.store;

import ai.aideon.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import ai.aideon.core.tier.AccountKey;
import ai.aideon.core.tier.Amounts;
import ai.aideon.core.tier.Lease;
import ai.aideon.core.tier.LeaseSpend;
import ai.aideon.core.tier.Meter;
import ai.aideon.core.tier.Period;
import ai.aideon.core.tier.UsageRow;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite ledger's journal: its record format, torn tails, segments, and replay after a process died. */
class LedgerJournalTest {

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.parse("2025-03-04T10:00:00Z"));

    @Test
    void aRecordKeepsEveryFieldOfItsRowIncludingNullsAndNonAsciiText() {
        UsageRow full = new UsageRow("req-ü1", "ten_a", "key_1", "premium", "aideon/text", "together",
                "meta-llama/Llama-3-70b — instruct", "cloud", 3, 1200, 300, new Amounts(1, 1500, 2, 7, 1_234_567),
                850, 502, "overloaded", Instant.parse("2025-03-04T23:59:59.250Z"),
                List.of(new LeaseSpend("lse_a", 1_234_567), new LeaseSpend("lse_b", 1)), "client-42-ü");
        UsageRow sparse = new UsageRow("req-2", "ten_b", null, null, null, null, null, null, 0, 0, 0,
                new Amounts(1, 0, 0, 0, 0), 0, 403, null, Instant.parse("2025-03-04T00:00:00Z"), List.of(), null);

        // Direct, as the sink's, and too small: encoding grows it and keeps it direct.
        ByteBuffer buf = JournalCodec.encode(sparse, JournalCodec.encode(full, ByteBuffer.allocateDirect(16)));
        assertThat(buf.isDirect()).isTrue();
        buf.flip();
        JournalCodec.Decoded decoded = JournalCodec.decode(buf);

        assertThat(decoded.rows()).containsExactly(full, sparse);
        assertThat(decoded.unreadBytes()).isZero();
    }

    /** Rows of one tenant, key and route, then one of another, then back, with spends that come and go. */
    private List<UsageRow> mixedRows() {
        Instant at = clock.instant();
        List<LeaseSpend> two = List.of(new LeaseSpend("lse_a", 10), new LeaseSpend("lse_b", 20));
        return List.of(
                new UsageRow("req-1", "ten_a", "key_1", "premium", "aideon/text", "together", "llama — 70b", "cloud",
                        1, 10, 20, new Amounts(1, 30, 0, 0, 10), 5, 200, null, at, two, null),
                new UsageRow("req-2", "ten_a", "key_1", "premium", "aideon/text", "together", "llama — 70b", "cloud",
                        1, 11, 21, new Amounts(1, 32, 0, 0, 11), 6, 200, null, at.plusMillis(1),
                        List.of(new LeaseSpend("lse_a", 11), new LeaseSpend("lse_b", 21)), "client-2"),
                new UsageRow("req-3", "ten_b", null, null, null, null, null, null, 0, 0, 0,
                        new Amounts(1, 0, 0, 0, 0), 0, 403, "upgrade_required", at.plusMillis(2), List.of(), null),
                new UsageRow("req-4", "ten_b", null, "free", null, null, null, null, 0, 0, 0,
                        new Amounts(1, 0, 0, 0, 0), 0, 403, "upgrade_required", at.plusMillis(3), List.of(), null),
                new UsageRow("req-5", "ten_a", "key_1", "premium", "aideon/text", "together", "llama — 70b", "cloud",
                        2, 12, 22, new Amounts(1, 34, 0, 0, 12), 7, 200, null, at.plusMillis(4),
                        List.of(new LeaseSpend("lse_a", 12), new LeaseSpend("lse_c", 22),
                                new LeaseSpend("lse_d", 1)), null),
                new UsageRow("req-6", "ten_a", "key_2", "premium", "aideon/text", "together", "llama — 70b", "cloud",
                        1, 13, 23, new Amounts(1, 36, 0, 0, 13), 8, 200, null, at.plusMillis(5),
                        List.of(new LeaseSpend("lse_c", 13)), null));
    }

    @Test
    void rowsReferToTheRowBeforeForWhatTheyShareAndDecodeToTheSameRows() {
        List<UsageRow> rows = mixedRows();
        JournalCodec.Encoder encoder = new JournalCodec.Encoder();
        ByteBuffer referring = ByteBuffer.allocate(16);
        ByteBuffer alone = ByteBuffer.allocate(16);
        for (UsageRow row : rows) {
            referring = encoder.encode(row, referring);
            alone = JournalCodec.encode(row, alone);
        }
        referring.flip();
        alone.flip();
        assertThat(referring.remaining()).as("shared fields are written once").isLessThan(alone.remaining());

        JournalCodec.Decoded decoded = JournalCodec.decode(referring);
        assertThat(decoded.rows()).containsExactlyElementsOf(rows);
        assertThat(decoded.unreadBytes()).isZero();

        // After a reset the next row refers to nothing: it decodes alone.
        encoder.reset();
        ByteBuffer first = encoder.encode(rows.get(1), ByteBuffer.allocate(16)).flip();
        assertThat(JournalCodec.decode(first).rows()).containsExactly(rows.get(1));
    }

    @Test
    void aRecordThatRefersToARecordBeforeItIsUnreadableAlone() {
        List<UsageRow> rows = mixedRows();
        JournalCodec.Encoder encoder = new JournalCodec.Encoder();
        ByteBuffer both = encoder.encode(rows.get(1), encoder.encode(rows.get(0), ByteBuffer.allocate(1024))).flip();
        int firstLength = JournalCodec.HEADER_BYTES + both.getInt(0);
        ByteBuffer secondAlone = both.slice(firstLength, both.remaining() - firstLength);

        JournalCodec.Decoded decoded = JournalCodec.decode(secondAlone);
        assertThat(decoded.rows()).isEmpty();
        assertThat(decoded.unreadBytes()).isEqualTo(secondAlone.remaining());
    }

    /**
     * A replay reads each segment on its own, so a segment's first record must not refer to the last of the segment
     * before: batches that fill segments, batches that roll over to a new one, and rows appended raw in between.
     */
    @Test
    void everySegmentDecodesOnItsOwnWhereverItsRowsReferToEachOther() throws Exception {
        List<UsageRow> rows = mixedRows();
        ByteBuffer all = ByteBuffer.allocate(16);
        for (UsageRow row : rows) {
            all = JournalCodec.encode(row, all);
        }
        int segmentBytes = all.position() * 2 / 3; // about four rows each in themselves; more when they refer
        LedgerJournal journal = LedgerJournal.create(tmp.resolve("refs"), Durability.OS, segmentBytes);
        List<String> appended = new ArrayList<>();
        try {
            for (int round = 0; round < 4; round++) {
                for (int from = 0; from < rows.size(); from += 1 + round % 3) {
                    List<UsageRow> batch = rows.subList(from, Math.min(rows.size(), from + 1 + round % 3));
                    journal.append(batch);
                    batch.forEach(r -> appended.add(r.requestId()));
                }
                ByteBuffer raw = JournalCodec.encode(rows.get(round), ByteBuffer.allocate(16)).flip();
                journal.append(raw, 1);
                appended.add(rows.get(round).requestId());
            }
            journal.close(false);
            List<Path> segments;
            try (Stream<Path> files = Files.list(journal.directory())) {
                segments = files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
            }
            assertThat(segments).hasSizeGreaterThan(4);
            List<String> replayed = new ArrayList<>();
            for (Path segment : segments) {
                JournalCodec.Decoded d = JournalCodec.decode(ByteBuffer.wrap(Files.readAllBytes(segment)));
                assertThat(d.unreadBytes()).as(segment.getFileName().toString()).isZero();
                for (UsageRow r : d.rows()) {
                    assertThat(r).isIn(rows);
                    replayed.add(r.requestId());
                }
            }
            assertThat(replayed).containsExactlyElementsOf(appended);
        } finally {
            journal.close(true);
        }
    }

    @Test
    void aRecordOfTheFirstFormatIsStillReadWithoutAClientRequestId() {
        // A journal left behind by a process of the build before version 2 is replayed by this one.
        UsageRow row = Rows.row("req-v1", "ten_a", clock.instant(), 42);
        ByteBuffer v2 = JournalCodec.encode(row, ByteBuffer.allocate(512));
        v2.flip();
        int length = v2.getInt(0);
        // Version 1 is version 2 without the trailing string (-1 for null: four bytes) and with its own version.
        byte[] payload = new byte[length - 4];
        v2.get(JournalCodec.HEADER_BYTES, payload);
        payload[0] = 1;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(payload);
        ByteBuffer v1 = ByteBuffer.allocate(JournalCodec.HEADER_BYTES + payload.length);
        v1.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();

        assertThat(JournalCodec.decode(v1).rows()).containsExactly(row);
    }

    @Test
    void replayStopsAtATornOrCorruptRecordAndKeepsEverythingBeforeIt() {
        byte[] whole = records(3);

        // Cut short inside the last record (a write the power cut interrupted).
        JournalCodec.Decoded torn = JournalCodec.decode(ByteBuffer.wrap(whole, 0, whole.length - 5).slice());
        assertThat(torn.rows()).extracting(UsageRow::requestId).containsExactly("req-0", "req-1");
        assertThat(torn.unreadBytes()).isPositive();

        // A flipped byte in the second record's payload fails its checksum: nothing from there on is trusted.
        byte[] corrupt = whole.clone();
        int second = recordLength(whole, 0) + JournalCodec.HEADER_BYTES;
        corrupt[second + JournalCodec.HEADER_BYTES + 10] ^= 0x40;
        assertThat(JournalCodec.decode(ByteBuffer.wrap(corrupt)).rows()).extracting(UsageRow::requestId)
                .containsExactly("req-0");
    }

    @Test
    void theZeroFilledRestOfAMappedSegmentIsACleanEndButAnUnfinishedBatchIsNot() {
        byte[] records = records(2);

        // A segment of a killed process: its records, then the zeros it was preallocated with.
        byte[] segment = java.util.Arrays.copyOf(records, records.length + 4096);
        JournalCodec.Decoded clean = JournalCodec.decode(ByteBuffer.wrap(segment));
        assertThat(clean.rows()).extracting(UsageRow::requestId).containsExactly("req-0", "req-1");
        assertThat(clean.unreadBytes()).isZero();

        // Killed while copying a batch: its body is there, the length that goes in last is not. Replay ends before
        // it, and says that bytes were left unread.
        int second = recordLength(records, 0) + JournalCodec.HEADER_BYTES;
        byte[] unfinished = java.util.Arrays.copyOf(records, records.length + 4096);
        java.util.Arrays.fill(unfinished, second, second + 4, (byte) 0);
        JournalCodec.Decoded torn = JournalCodec.decode(ByteBuffer.wrap(unfinished));
        assertThat(torn.rows()).extracting(UsageRow::requestId).containsExactly("req-0");
        assertThat(torn.unreadBytes()).isPositive();
    }

    @Test
    void aSegmentIsCutToItsRecordsWhenItClosesAndRollsOverWhenABatchDoesNotFit() throws Exception {
        ByteBuffer one = JournalCodec.encode(Rows.row("req-0", "ten_a", clock.instant(), 1), ByteBuffer.allocate(64));
        int segmentBytes = one.position() * 3 / 2; // room for one record and a half: the second must roll over
        LedgerJournal journal = LedgerJournal.create(tmp.resolve("cut"), Durability.FSYNC, segmentBytes);
        List<Path> segments;
        try {
            int total = 0;
            for (int i = 0; i < 5; i++) {
                ByteBuffer record = JournalCodec.encode(Rows.row("req-" + i, "ten_a", clock.instant(), 1),
                        ByteBuffer.allocate(64));
                record.flip();
                total += record.remaining();
                journal.append(record, 1);
            }
            journal.close(false);
            try (Stream<Path> files = Files.list(journal.directory())) {
                segments = files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
            }
            assertThat(segments).hasSize(5);
            long bytes = 0;
            List<String> replayed = new ArrayList<>();
            for (Path segment : segments) {
                bytes += Files.size(segment);
                assertThat(Files.size(segment)).isLessThanOrEqualTo(segmentBytes);
                JournalCodec.Decoded d = JournalCodec.decode(ByteBuffer.wrap(Files.readAllBytes(segment)));
                assertThat(d.unreadBytes()).isZero();
                d.rows().forEach(r -> replayed.add(r.requestId()));
            }
            assertThat(bytes).as("no zeros left after the records").isEqualTo(total);
            assertThat(replayed).containsExactly("req-0", "req-1", "req-2", "req-3", "req-4");
        } finally {
            journal.close(true);
        }
    }

    @Test
    void rowsJournaledByAProcessThatDiedAreReplayedWhenTheStoreOpensWithTheirLeaseSpends() throws Exception {
        String location = Backend.SQLITE.newLocation(tmp);
        Path dbFile = StoreLocation.parse(location).sqliteFile();
        AccountKey account = new AccountKey("ten_a", Meter.COST_MICROS, Period.DAY,
                Period.DAY.windowStart(clock.instant()));
        Lease lease;
        try (Store store = Store.open(location, clock)) {
            lease = store.allowances().lease(account, 10_000, 1_000, "i1", clock.instant().plusSeconds(60));
            store.ledger().append(Rows.row("req-indexed", "ten_a", clock.instant(), 5,
                    new LeaseSpend(lease.leaseId(), 5)));
        }

        // A journal left behind as a killed process leaves it: rows written, lock released, files kept. Small
        // segments, so the replay crosses several of them; one row is already in the database (replay is
        // idempotent, its spend must not count twice).
        LedgerJournal dead = LedgerJournal.create(LedgerJournal.root(dbFile), Durability.OS, 300);
        List<String> ids = new ArrayList<>();
        for (String id : Stream.concat(Stream.of("req-indexed"),
                Stream.iterate(0, i -> i + 1).limit(10).map(i -> "req-lost-" + i)).toList()) {
            ByteBuffer record = JournalCodec.encode(Rows.row(id, "ten_a", clock.instant(), 7,
                    new LeaseSpend(lease.leaseId(), 7)), ByteBuffer.allocate(64));
            record.flip();
            dead.append(record, 1);
            ids.add(id);
        }
        try (Stream<Path> segments = Files.list(dead.directory())) {
            assertThat(segments.filter(p -> p.toString().endsWith(".seg")).count()).isGreaterThan(1);
        }
        dead.close(false);

        try (Store store = Store.open(location, clock)) {
            assertThat(LedgerTest.rowIds(location)).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(LedgerTest.leaseUsed(location, lease.leaseId())).isEqualTo(5 + 10 * 7);
            assertThat(store.allowances().committed(account)).isEqualTo(5 + 10 * 7);
        }
        assertThat(Files.exists(dead.directory())).as("a replayed journal is removed").isFalse();
    }

    @Test
    void aLiveJournalIsNotTakenOverByAnotherStoreAndACleanCloseLeavesNoJournal() throws Exception {
        String location = Backend.SQLITE.newLocation(tmp);
        Path root = LedgerJournal.root(StoreLocation.parse(location).sqliteFile());
        try (Store first = Store.open(location, clock)) {
            first.ledger().append(Rows.row("req-first", "ten_a", clock.instant(), 1));
            try (Stream<Path> journals = Files.list(root)) {
                assertThat(journals.count()).isEqualTo(1);
            }
            // A second store on the same file (the CLI beside a running gateway) leaves the live journal alone.
            try (Store second = Store.open(location, clock)) {
                assertThat(second.reports()).isNotNull();
            }
            try (Stream<Path> journals = Files.list(root)) {
                assertThat(journals.count()).isEqualTo(1);
            }
            first.ledger().sync();
            assertThat(LedgerTest.rowIds(location)).containsExactly("req-first");
        }
        try (Stream<Path> journals = Files.list(root)) {
            assertThat(journals.count()).as("a clean close indexes everything and deletes its journal").isZero();
        }
    }

    @Test
    void indexedSegmentsAreDeletedWhileTheProcessRuns() throws Exception {
        LedgerJournal journal = LedgerJournal.create(tmp.resolve("root"), Durability.FSYNC, 200);
        try {
            for (int i = 0; i < 6; i++) {
                ByteBuffer record = JournalCodec.encode(Rows.row("req-" + i, "ten_a", clock.instant(), 1),
                        ByteBuffer.allocate(64));
                record.flip();
                journal.append(record, 1);
            }
            long before = segmentCount(journal);
            assertThat(before).isGreaterThan(2);

            journal.deleteIndexed(2);
            assertThat(segmentCount(journal)).isLessThan(before).isPositive();
            journal.deleteIndexed(6);
            assertThat(segmentCount(journal)).as("only the open segment is left").isLessThanOrEqualTo(1);
        } finally {
            journal.close(true);
        }
    }

    private static long segmentCount(LedgerJournal journal) throws Exception {
        try (Stream<Path> files = Files.list(journal.directory())) {
            return files.filter(p -> p.toString().endsWith(".seg")).count();
        }
    }

    /** The records of rows req-0, req-1, … back to back, as a journal holds them. */
    private byte[] records(int count) {
        ByteBuffer buf = ByteBuffer.allocate(64);
        for (int i = 0; i < count; i++) {
            buf = JournalCodec.encode(Rows.row("req-" + i, "ten_a", clock.instant(), i), buf);
        }
        buf.flip();
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    private static int recordLength(byte[] data, int offset) {
        return ByteBuffer.wrap(data, offset, 4).getInt();
    }
}
