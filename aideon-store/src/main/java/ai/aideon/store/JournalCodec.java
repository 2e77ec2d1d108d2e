package ai.aideon.store;

import ai.aideon.core.tier.Amounts;
import ai.aideon.core.tier.LeaseSpend;
import ai.aideon.core.tier.UsageRow;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The ledger journal's record format: one usage row per record, {@code [length:int][crc32c:int][payload]}, where
 * payload is the row's fields in a fixed order (strings as a length-prefixed UTF-8, -1 for null). Binary and
 * hand-rolled on purpose: it runs once per request on the hot path, where a JSON mapper would cost more than the
 * write itself, and the format is private to one store (a journal is replayed by the same build that wrote it, or
 * one that still reads {@link #VERSION}).
 *
 * <p>The checksum makes a torn tail (the last record of a segment cut short by a power loss) detectable: replay
 * stops at the first record whose length or checksum does not hold. A zero length followed by nothing but zeros is
 * the clean end of a segment that was never filled (segments are preallocated, see {@link LedgerJournal}).
 */
final class JournalCodec {

    /**
     * The payload's first byte; a format change bumps it and keeps reading the old ones (a journal left by a
     * process of the previous build is replayed by the next). 2 added the client's request id after the spends.
     */
    static final byte VERSION = 2;
    static final int HEADER_BYTES = 8;
    /** A record larger than this is corruption, not a row (rows are a few hundred bytes). */
    static final int MAX_RECORD_BYTES = 1 << 20;

    private JournalCodec() {
    }

    /**
     * Appends {@code row}'s record to {@code out} and returns the buffer to keep using: {@code out}, or a larger
     * copy of it (direct if it was direct) when the record did not fit.
     */
    static ByteBuffer encode(UsageRow row, ByteBuffer out) {
        ByteBuffer buf = ensure(out, HEADER_BYTES + estimate(row));
        int start = buf.position();
        buf.position(start + HEADER_BYTES);
        buf.put(VERSION);
        string(buf, row.requestId());
        string(buf, row.tenantId());
        string(buf, row.keyId());
        string(buf, row.tier());
        string(buf, row.route());
        string(buf, row.provider());
        string(buf, row.model());
        string(buf, row.source());
        buf.putInt(row.attempts());
        buf.putLong(row.promptTokens());
        buf.putLong(row.completionTokens());
        Amounts u = row.usage();
        buf.putLong(u.requests()).putLong(u.tokens()).putLong(u.images()).putLong(u.audioSeconds())
                .putLong(u.costMicros());
        buf.putLong(row.latencyMillis());
        buf.putInt(row.status());
        string(buf, row.errorKind());
        buf.putLong(Epoch.millis(row.createdAt()));
        buf.putInt(row.spends().size());
        for (LeaseSpend s : row.spends()) {
            string(buf, s.leaseId());
            buf.putLong(s.amount());
        }
        string(buf, row.clientRequestId());
        int end = buf.position();
        int length = end - start - HEADER_BYTES;
        // Checksum the payload in place (position/limit moved and put back): no slice allocated per row.
        int limit = buf.limit();
        buf.position(start + HEADER_BYTES).limit(end);
        CRC32C crc = new CRC32C();
        crc.update(buf);
        buf.limit(limit).position(end);
        buf.putInt(start, length);
        buf.putInt(start + 4, (int) crc.getValue());
        return buf;
    }

    /**
     * Reads the records in {@code data} from its position, in order, up to the first one that is cut short or
     * fails its checksum (a torn tail), and returns them.
     */
    static Decoded decode(ByteBuffer data) {
        List<UsageRow> rows = new ArrayList<>();
        while (data.remaining() >= HEADER_BYTES) {
            int start = data.position();
            int length = data.getInt(start);
            int checksum = data.getInt(start + 4);
            if (length == 0 && zerosFrom(data, start)) {
                data.position(data.limit()); // the unused, zero-filled rest of a mapped segment: a clean end
                break;
            }
            if (length <= 0 || length > MAX_RECORD_BYTES || data.remaining() < HEADER_BYTES + length) {
                break;
            }
            CRC32C crc = new CRC32C();
            crc.update(data.slice(start + HEADER_BYTES, length));
            if ((int) crc.getValue() != checksum) {
                break;
            }
            ByteBuffer payload = data.slice(start + HEADER_BYTES, length);
            UsageRow row;
            try {
                row = row(payload);
            } catch (BufferUnderflowException | IllegalArgumentException e) {
                break; // a checksum collision on garbage: treat as the torn tail it is
            }
            rows.add(row);
            data.position(start + HEADER_BYTES + length);
        }
        return new Decoded(rows, data.remaining());
    }

    private static boolean zerosFrom(ByteBuffer data, int from) {
        for (int i = from; i < data.limit(); i++) {
            if (data.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The rows read, and how many bytes after the last good record were not (0 for a clean end). */
    record Decoded(List<UsageRow> rows, int unreadBytes) {
    }

    private static UsageRow row(ByteBuffer p) {
        byte version = p.get();
        if (version != VERSION && version != 1) {
            throw new IllegalArgumentException("unknown journal record version " + version);
        }
        String requestId = string(p);
        String tenantId = string(p);
        String keyId = string(p);
        String tier = string(p);
        String route = string(p);
        String provider = string(p);
        String model = string(p);
        String source = string(p);
        int attempts = p.getInt();
        long prompt = p.getLong();
        long completion = p.getLong();
        Amounts usage = new Amounts(p.getLong(), p.getLong(), p.getLong(), p.getLong(), p.getLong());
        long latency = p.getLong();
        int status = p.getInt();
        String errorKind = string(p);
        long createdAt = p.getLong();
        int spendCount = p.getInt();
        if (spendCount < 0 || spendCount > p.remaining()) {
            throw new IllegalArgumentException("bad spend count " + spendCount);
        }
        List<LeaseSpend> spends = new ArrayList<>(spendCount);
        for (int i = 0; i < spendCount; i++) {
            spends.add(new LeaseSpend(string(p), p.getLong()));
        }
        String clientRequestId = version >= 2 ? string(p) : null;
        return new UsageRow(requestId, tenantId, keyId, tier, route, provider, model, source, attempts, prompt,
                completion, usage, latency, status, errorKind, Epoch.instant(createdAt), spends, clientRequestId);
    }

    private static void string(ByteBuffer buf, String s) {
        if (s == null) {
            buf.putInt(-1);
            return;
        }
        if (buf.hasArray() && putAscii(buf, s)) {
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        buf.putInt(bytes.length);
        buf.put(bytes);
    }

    /**
     * Writes an ASCII-only {@code s} straight into the buffer's array (its UTF-8 is its chars): ids, tiers, routes
     * and model names nearly always are, and this skips a byte array per string per row. False, with nothing
     * written, when {@code s} holds anything else.
     */
    private static boolean putAscii(ByteBuffer buf, String s) {
        int n = s.length();
        byte[] array = buf.array();
        int at = buf.arrayOffset() + buf.position() + 4;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return false;
            }
            array[at + i] = (byte) c;
        }
        buf.putInt(n);
        buf.position(buf.position() + n);
        return true;
    }

    private static String string(ByteBuffer p) {
        int length = p.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > p.remaining()) {
            throw new IllegalArgumentException("bad string length " + length);
        }
        byte[] bytes = new byte[length];
        p.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** An upper bound of the payload's size: UTF-8 takes at most 3 bytes per UTF-16 char. */
    private static int estimate(UsageRow r) {
        int strings = len(r.requestId()) + len(r.tenantId()) + len(r.keyId()) + len(r.tier()) + len(r.route())
                + len(r.provider()) + len(r.model()) + len(r.source()) + len(r.errorKind()) + len(r.clientRequestId());
        int spends = 4;
        for (LeaseSpend s : r.spends()) {
            spends += 4 + 3 * s.leaseId().length() + 8;
        }
        return 1 + 10 * 4 + 3 * strings + 4 + 8 + 8 + 5 * 8 + 8 + 4 + 8 + spends;
    }

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }

    private static ByteBuffer ensure(ByteBuffer buf, int more) {
        if (buf.remaining() >= more) {
            return buf;
        }
        int capacity = Math.max(buf.capacity() * 2, buf.position() + more);
        ByteBuffer bigger = buf.isDirect() ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        buf.flip();
        bigger.put(buf);
        return bigger;
    }
}
