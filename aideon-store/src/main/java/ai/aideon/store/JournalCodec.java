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
 * payload is the row's fields in a fixed order (strings as a length-prefixed UTF-8, -1 for null, and -2 for "the same
 * as this field of the record before it", see {@link Encoder}). Binary and
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
     * process of the previous build is replayed by the next). 2 added the client's request id after the spends; 3
     * the references to the record before ({@link #SAME_AS_BEFORE}).
     */
    static final byte VERSION = 3;
    /** A string's length that says: the same value as this field of the previous record (of the same segment). */
    private static final int SAME_AS_BEFORE = -2;
    static final int HEADER_BYTES = 8;
    /** A record larger than this is corruption, not a row (rows are a few hundred bytes). */
    static final int MAX_RECORD_BYTES = 1 << 20;

    private JournalCodec() {
    }

    /**
     * Appends {@code row}'s record to {@code out}, complete in itself (no reference to a record before it), and
     * returns the buffer to keep using: {@code out}, or a larger copy of it (direct if it was direct) when the record
     * did not fit.
     */
    static ByteBuffer encode(UsageRow row, ByteBuffer out) {
        return new Encoder().encode(row, out);
    }

    /**
     * Encodes rows one after another, writing a string that equals the same field of the row encoded just before
     * as a reference to it ({@link #SAME_AS_BEFORE}, 4 bytes). A request's tenant, key, tier, route, provider, model,
     * source and leases are mostly those of the request before, so a record is ~40% of its size otherwise, and the
     * copy, checksum and page-cache pages behind it shrink with it. A reader decodes records in order from the
     * first after a {@link #reset}: the journal resets its encoder whenever a segment ends, so each segment reads on
     * its own.
     */
    static final class Encoder {
        /** Per referable field, the value the last row had (null: none yet, or the last was null). */
        private final String[] before = new String[FIELDS];
        private List<LeaseSpend> spendsBefore = List.of();

        /** The next row is encoded as if it were the first: complete in itself. */
        void reset() {
            java.util.Arrays.fill(before, null);
            spendsBefore = List.of();
        }

        /** As {@link JournalCodec#encode}, referring to the row encoded before where a field is the same. */
        ByteBuffer encode(UsageRow row, ByteBuffer out) {
            ByteBuffer buf = ensure(out, HEADER_BYTES + estimate(row));
            int start = buf.position();
            buf.position(start + HEADER_BYTES);
            buf.put(VERSION);
            string(buf, row.requestId());
            field(buf, TENANT, row.tenantId());
            field(buf, KEY, row.keyId());
            field(buf, TIER, row.tier());
            field(buf, ROUTE, row.route());
            field(buf, PROVIDER, row.provider());
            field(buf, MODEL, row.model());
            field(buf, SOURCE, row.source());
            buf.putInt(row.attempts());
            buf.putLong(row.promptTokens());
            buf.putLong(row.completionTokens());
            Amounts u = row.usage();
            buf.putLong(u.requests()).putLong(u.tokens()).putLong(u.images()).putLong(u.audioSeconds())
                    .putLong(u.costMicros());
            buf.putLong(row.latencyMillis());
            buf.putInt(row.status());
            field(buf, ERROR_KIND, row.errorKind());
            buf.putLong(Epoch.millis(row.createdAt()));
            List<LeaseSpend> spends = row.spends();
            buf.putInt(spends.size());
            for (int i = 0; i < spends.size(); i++) {
                String lease = spends.get(i).leaseId();
                if (i < spendsBefore.size() && lease.equals(spendsBefore.get(i).leaseId())) {
                    buf.putInt(SAME_AS_BEFORE);
                } else {
                    string(buf, lease);
                }
                buf.putLong(spends.get(i).amount());
            }
            spendsBefore = spends;
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

        private void field(ByteBuffer buf, int field, String value) {
            if (value != null && value.equals(before[field])) {
                buf.putInt(SAME_AS_BEFORE);
                return;
            }
            string(buf, value);
            before[field] = value;
        }
    }

    // The fields a record may refer back to, as indexes of Encoder.before and of the decoder's values.
    private static final int TENANT = 0;
    private static final int KEY = 1;
    private static final int TIER = 2;
    private static final int ROUTE = 3;
    private static final int PROVIDER = 4;
    private static final int MODEL = 5;
    private static final int SOURCE = 6;
    private static final int ERROR_KIND = 7;
    private static final int FIELDS = 8;

    /**
     * Reads the records in {@code data} from its position, in order, up to the first one that is cut short or
     * fails its checksum (a torn tail), and returns them.
     */
    static Decoded decode(ByteBuffer data) {
        List<UsageRow> rows = new ArrayList<>();
        UsageRow before = null;
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
                row = row(payload, before);
            } catch (BufferUnderflowException | IllegalArgumentException e) {
                break; // a checksum collision on garbage: treat as the torn tail it is
            }
            rows.add(row);
            before = row;
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

    /** The row of one record's payload; {@code before} is the row of the record before it (null for the first). */
    private static UsageRow row(ByteBuffer p, UsageRow before) {
        byte version = p.get();
        if (version < 1 || version > VERSION) {
            throw new IllegalArgumentException("unknown journal record version " + version);
        }
        String requestId = readString(p);
        String tenantId = readString(p, before == null ? null : before::tenantId);
        String keyId = readString(p, before == null ? null : before::keyId);
        String tier = readString(p, before == null ? null : before::tier);
        String route = readString(p, before == null ? null : before::route);
        String provider = readString(p, before == null ? null : before::provider);
        String model = readString(p, before == null ? null : before::model);
        String source = readString(p, before == null ? null : before::source);
        int attempts = p.getInt();
        long prompt = p.getLong();
        long completion = p.getLong();
        Amounts usage = new Amounts(p.getLong(), p.getLong(), p.getLong(), p.getLong(), p.getLong());
        long latency = p.getLong();
        int status = p.getInt();
        String errorKind = readString(p, before == null ? null : before::errorKind);
        long createdAt = p.getLong();
        int spendCount = p.getInt();
        if (spendCount < 0 || spendCount > p.remaining()) {
            throw new IllegalArgumentException("bad spend count " + spendCount);
        }
        List<LeaseSpend> spends = new ArrayList<>(spendCount);
        List<LeaseSpend> spendsBefore = before == null ? List.of() : before.spends();
        for (int i = 0; i < spendCount; i++) {
            int index = i;
            String lease = readString(p, index < spendsBefore.size() ? () -> spendsBefore.get(index).leaseId() : null);
            spends.add(new LeaseSpend(lease, p.getLong()));
        }
        String clientRequestId = version >= 2 ? readString(p) : null;
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

    private static String readString(ByteBuffer p) {
        return readString(p, null);
    }

    /**
     * A string field; {@code before} gives this field's value in the record before, null when there is none to
     * refer to (then a reference is corruption).
     */
    private static String readString(ByteBuffer p, java.util.function.Supplier<String> before) {
        int length = p.getInt();
        if (length == -1) {
            return null;
        }
        if (length == SAME_AS_BEFORE) {
            String value = before == null ? null : before.get();
            if (value == null) {
                throw new IllegalArgumentException("a reference to a record before that has no such value");
            }
            return value;
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
