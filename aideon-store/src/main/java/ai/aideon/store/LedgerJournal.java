package ai.aideon.store;

import ai.aideon.core.tier.UsageRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's append-only journal of ledger rows: the durable half of the SQLite ledger (see
 * {@link JournaledLedgerSink}). Rows are appended in batches to segment files in a directory of this process's
 * own, {@code <db file>-ledger/<journal id>/}, which it holds an exclusive file lock on; a segment is deleted once
 * every row in it is in the database. A directory whose lock is free belongs to a process that died: its rows are
 * replayed into the database by {@link #recoverOrphans} (idempotently: the ledger ignores request ids it has).
 *
 * <p>Durable means what {@link Durability} says: {@link Durability#OS} returns once the bytes are in the page cache
 * (survives kill -9), {@link Durability#FSYNC} also forces them to disk.
 *
 * <p>A segment is a memory-mapped file: an append is a copy into the page cache, with no system call. A
 * {@code write(2)} per group commit measured ~3 µs of CPU per request on the bench VM, a fifth of what the whole money
 * path cost. The file is mapped at its full size up front (sparse) and filled with zeros by {@code write(2)} a chunk
 * ahead of the appends ({@link #ZERO_FILL_BYTES}): that allocates its disk blocks, so a full disk fails an append with
 * an {@link IOException} instead of a SIGBUS on a mapped page. Replay ends at the first zero length.
 *
 * <p>{@link #append} is called by one thread at a time (under the group commit's lock); {@link #deleteIndexed} by the
 * indexer, concurrently.
 */
final class LedgerJournal implements AutoCloseable {

    /** A segment is closed and a new one begun once it holds this much. */
    static final long SEGMENT_BYTES = 8L << 20;
    /** How far ahead of the appends a segment's blocks are allocated, in one {@code write(2)} of zeros each time. */
    static final int ZERO_FILL_BYTES = 256 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_FILL_BYTES).asReadOnlyBuffer();
    private static final String LOCK_FILE = "lock";
    private static final String SEGMENT_SUFFIX = ".seg";
    private static final Logger LOG = LoggerFactory.getLogger(LedgerJournal.class);

    private final Path dir;
    private final FileChannel lockChannel;
    private final boolean fsync;
    private final long segmentBytes;
    /** Closed segments not yet deleted, oldest first, with the sequence number of their last row. */
    private final Deque<Segment> closedSegments = new ArrayDeque<>();
    private FileChannel active;
    private MappedByteBuffer activeMap;
    private Path activePath;
    /** Bytes of records in the active segment, and how much of its mapping is allocated (zero-filled). */
    private int activeBytes;
    private int allocatedBytes;
    private long segmentNumber;
    /** Sequence number of the last row appended: rows are numbered 1, 2, … in append order. */
    private long lastSeq;
    private boolean closed;
    /**
     * Encodes rows for {@link #append(List)}, referring to the record before in the active segment; reset whenever a
     * segment ends or a record of another origin is appended, so that every segment decodes on its own.
     */
    private final JournalCodec.Encoder encoder = new JournalCodec.Encoder();
    /** Reused for every batch's records (appends are made by one thread at a time); copied into the segment. */
    private ByteBuffer records = ByteBuffer.allocate(64 * 1024);

    private LedgerJournal(Path dir, FileChannel lockChannel, boolean fsync, long segmentBytes) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.fsync = fsync;
        this.segmentBytes = segmentBytes;
    }

    /** The directory that holds every process's journal of the database {@code dbFile}. */
    static Path root(Path dbFile) {
        return dbFile.resolveSibling(dbFile.getFileName() + "-ledger");
    }

    /** Creates and locks a new journal directory under {@code root}. */
    static LedgerJournal create(Path root, Durability durability) throws IOException {
        return create(root, durability, SEGMENT_BYTES);
    }

    /** As {@link #create(Path, Durability)}, with segments closed at {@code segmentBytes} (tests use small ones). */
    static LedgerJournal create(Path root, Durability durability, long segmentBytes) throws IOException {
        Path dir = root.resolve("j-" + System.currentTimeMillis() + "-" + RandomIds.base32(8));
        Files.createDirectories(dir);
        FileChannel lock = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            if (lock.tryLock() == null) {
                throw new IOException("cannot lock the new ledger journal " + dir);
            }
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        LedgerJournal journal = new LedgerJournal(dir, lock, durability == Durability.FSYNC, segmentBytes);
        journal.openSegment(0);
        return journal;
    }

    /**
     * Encodes {@code rows} and writes them durably; returns the sequence number of the last. On failure nothing of
     * the batch counts, as with {@link #append(ByteBuffer, int)}.
     */
    long append(List<UsageRow> rows) throws IOException {
        ByteBuffer encoded = encode(rows);
        if (active != null && activeMap.capacity() - activeBytes < encoded.remaining()) {
            // They go to a new segment, where nothing before them may be referred to.
            closeSegment();
            encoded = encode(rows);
        }
        return write(encoded, rows.size());
    }

    private ByteBuffer encode(List<UsageRow> rows) {
        records.clear();
        for (UsageRow row : rows) {
            records = encoder.encode(row, records);
        }
        return records.flip();
    }

    /**
     * Writes {@code records} ({@code rowCount} rows encoded each in itself, by {@link JournalCodec#encode}) durably
     * and returns the sequence number of the last. The sink appends through {@link #append(List)}; this entry is for
     * records shaped byte by byte elsewhere (the journal's tests: torn writes, segment boundaries).
     */
    long append(ByteBuffer records, int rowCount) throws IOException {
        long last = write(records, rowCount);
        encoder.reset(); // the next row must not refer to a row the encoder did not write
        return last;
    }

    /**
     * Writes {@code records} ({@code rowCount} encoded rows) durably and returns the sequence number of the last.
     * On failure nothing of the batch counts: what was written of it is cut off, or its segment is closed at the
     * torn record, and the next batch starts a new segment.
     */
    private long write(ByteBuffer records, int rowCount) throws IOException {
        if (closed) {
            throw new IOException("the ledger journal is closed");
        }
        int n = records.remaining();
        if (n < JournalCodec.HEADER_BYTES) {
            throw new IllegalArgumentException("not a journal record: " + n + " bytes");
        }
        if (active != null && activeMap.capacity() - activeBytes < n) {
            closeSegment();
        }
        if (active == null) {
            openSegment(n);
        }
        int at = activeBytes;
        int from = records.position();
        try {
            allocateThrough(at + n);
            // The first record's length goes in last: a process killed during the copy leaves a zero length where
            // the batch starts, and replay ends there instead of reading half a batch nobody was told is durable.
            activeMap.put(at + 4, records, from + 4, n - 4);
            activeMap.put(at, records, from, 4);
            if (fsync) {
                activeMap.force(at, n);
            }
        } catch (IOException | RuntimeException | InternalError e) { // InternalError: a fault on a mapped page
            abandonSegment(at);
            throw e instanceof IOException io ? io : new IOException("cannot append to the ledger journal", e);
        }
        records.position(from + n);
        activeBytes += n;
        lastSeq += rowCount;
        if (activeBytes >= segmentBytes) {
            closeSegment();
        }
        return lastSeq;
    }

    /** Zero-fills the active segment with {@code write(2)} up to at least {@code end}, allocating its blocks. */
    private void allocateThrough(int end) throws IOException {
        while (allocatedBytes < end) {
            int chunk = Math.min(ZERO_FILL_BYTES, activeMap.capacity() - allocatedBytes);
            ByteBuffer zeros = ZEROS.duplicate().limit(chunk);
            while (zeros.hasRemaining()) {
                allocatedBytes += active.write(zeros, allocatedBytes);
            }
        }
    }

    /** Deletes the closed segments whose rows are all in the database ({@code seq} and before). */
    void deleteIndexed(long seq) {
        while (true) {
            Segment oldest;
            synchronized (closedSegments) {
                oldest = closedSegments.peekFirst();
                if (oldest == null || oldest.lastSeq > seq) {
                    return;
                }
                closedSegments.removeFirst();
            }
            delete(oldest.path);
        }
    }

    /**
     * Closes the journal. With {@code everythingIndexed} its files are deleted (a clean shutdown leaves nothing to
     * replay); otherwise they stay for the next open to recover.
     */
    @Override
    public void close() {
        close(false);
    }

    void close(boolean everythingIndexed) {
        if (closed) {
            return;
        }
        closed = true;
        if (active != null) {
            closeSegment(); // cut to its records, so a replay does not read the unused zeros
        }
        if (everythingIndexed) {
            synchronized (closedSegments) {
                closedSegments.clear();
            }
            deleteDirectory(dir);
        }
        closeQuietly(lockChannel); // releases the lock
    }

    /** Creates and maps the next segment, large enough for {@code minBytes}. */
    private void openSegment(int minBytes) throws IOException {
        segmentNumber++;
        Path path = dir.resolve("%012d%s".formatted(segmentNumber, SEGMENT_SUFFIX));
        int capacity = (int) Math.max(segmentBytes, minBytes);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            activeMap = channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity); // grows the file, sparse
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            delete(path);
            throw e;
        }
        active = channel;
        activePath = path;
        activeBytes = 0;
        allocatedBytes = 0;
        if (fsync) {
            forceDirectory(); // the new file's name must survive a power cut too
        }
    }

    /**
     * Cuts the active segment to its records and closes it. The mapping itself goes when the garbage collector
     * drops it (Java 21 cannot unmap); nothing writes through it after this.
     */
    private void closeSegment() {
        try {
            active.truncate(activeBytes);
        } catch (IOException | RuntimeException e) {
            // Harmless: replay ends at the first zero length, and the zeros after the records are that.
            LOG.debug("could not cut ledger journal segment {} to its records", activePath.getFileName(), e);
        }
        closeQuietly(active);
        encoder.reset(); // the next segment's first record refers to nothing before it
        synchronized (closedSegments) {
            closedSegments.addLast(new Segment(activePath, lastSeq));
        }
        active = null;
        activeMap = null;
    }

    /** After a failed append: mark where it began as the segment's end (a zero length), and start a new one. */
    private void abandonSegment(int goodBytes) {
        try {
            if (goodBytes + 4 <= allocatedBytes) { // beyond, the file is a hole: it reads as zeros already
                activeMap.putInt(goodBytes, 0);
            }
        } catch (RuntimeException | InternalError e) {
            // Replay stops at the torn record's bad length or checksum instead: nothing after it is lost.
            LOG.warn("could not mark a failed append in ledger journal segment {}", activePath.getFileName());
        }
        activeBytes = goodBytes;
        closeSegment();
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not every file system lets a directory be opened; the file's own data is still forced
        }
    }

    /**
     * Replays the journals of processes that are gone (their lock is free) into {@code sink}, oldest segment
     * first, then deletes them. Returns the number of rows replayed. A journal whose replay fails is kept for the
     * next attempt.
     */
    static long recoverOrphans(Path root, BatchWriter sink) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        long replayed = 0;
        try (DirectoryStream<Path> journals = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path journal : journals) {
                replayed += recoverIfOrphan(journal, sink);
            }
        } catch (IOException e) {
            throw new StoreException("cannot read the ledger journals in " + root, e);
        }
        return replayed;
    }

    /** Writes a batch of replayed rows durably into the database, or throws. */
    @FunctionalInterface
    interface BatchWriter {
        void write(List<UsageRow> rows) throws Exception;
    }

    private static long recoverIfOrphan(Path journal, BatchWriter sink) {
        FileChannel opened;
        try {
            opened = FileChannel.open(journal.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return 0; // another process recovered and removed it meanwhile
        } catch (IOException e) {
            throw new StoreException("cannot open the lock of ledger journal " + journal, e);
        }
        try (FileChannel lock = opened) {
            FileLock held;
            try {
                held = lock.tryLock();
            } catch (OverlappingFileLockException e) {
                return 0; // a journal of this very process, alive
            }
            if (held == null) {
                return 0; // another live process's journal
            }
            long rows = 0;
            for (Path segment : segments(journal)) {
                rows += replay(segment, sink);
                delete(segment);
            }
            deleteDirectory(journal);
            if (rows > 0) {
                LOG.info("recovered {} ledger rows from journal {} of a process that stopped before indexing them",
                        rows, journal.getFileName());
            }
            return rows;
        } catch (Exception e) {
            throw new StoreException("cannot recover the ledger journal " + journal, e);
        }
    }

    private static long replay(Path segment, BatchWriter sink) throws Exception {
        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(segment));
        JournalCodec.Decoded decoded = JournalCodec.decode(data);
        if (decoded.unreadBytes() > 0) {
            LOG.warn("ledger journal segment {} ends with {} bytes of a torn write; the rows before it are replayed",
                    segment, decoded.unreadBytes());
        }
        List<UsageRow> rows = decoded.rows();
        for (int from = 0; from < rows.size(); from += GroupCommitLedger.MAX_BATCH) {
            sink.write(rows.subList(from, Math.min(rows.size(), from + GroupCommitLedger.MAX_BATCH)));
        }
        return rows.size();
    }

    private static List<Path> segments(Path journal) throws IOException {
        List<Path> segments = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(journal, "*" + SEGMENT_SUFFIX)) {
            files.forEach(segments::add);
        }
        segments.sort(null); // zero-padded numbers: name order is write order
        return segments;
    }

    private static void deleteDirectory(Path journal) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(journal)) {
            files.forEach(LedgerJournal::delete);
        } catch (IOException e) {
            LOG.warn("could not list ledger journal {} for deletion", journal, e);
        }
        delete(journal);
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (NoSuchFileException ignored) {
            // already gone
        } catch (IOException e) {
            LOG.warn("could not delete ledger journal file {}", file, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }

    Path directory() {
        return dir;
    }

    private record Segment(Path path, long lastSeq) {
    }
}
