package ai.aideon.providers.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads Server-Sent Events ({@code text/event-stream}) and hands out each event's data as bytes. Comments,
 * {@code id:} and {@code retry:} lines are ignored; several {@code data:} lines of one event are joined with LF.
 * An event is dispatched at its blank line, or at EOF when data is pending; {@link #truncated()} then says whether
 * the input stopped in the middle of that event's last line (a cut stream).
 */
public final class SseReader {
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final LineReader lines;
    private byte[] data = new byte[4096];
    private int dataLength;
    private String eventName;
    private boolean truncated;

    public SseReader(InputStream in) {
        this.lines = new LineReader(in);
    }

    /** Advances to the next event that carries data; false at end of input. */
    public boolean next() throws IOException {
        dataLength = 0;
        eventName = null;
        truncated = false;
        boolean hasData = false;
        while (lines.next()) {
            int len = lines.lineLength();
            if (len == 0) {
                if (hasData) {
                    return true;
                }
                eventName = null;
                continue;
            }
            if (lines.lineStartsWith(DATA)) {
                if (hasData) {
                    append((byte) '\n');
                }
                appendField(DATA.length);
                hasData = true;
            } else if (lines.lineStartsWith(EVENT)) {
                eventName = fieldText(EVENT.length);
            }
            if (!lines.lineTerminated()) {
                truncated = true;
                return hasData;
            }
        }
        return hasData;
    }

    public byte[] data() {
        return data;
    }

    public int dataLength() {
        return dataLength;
    }

    /** The {@code event:} name, or null for the default ("message"). */
    public String eventName() {
        return eventName;
    }

    /** True when the input ended in the middle of this event's last line. */
    public boolean truncated() {
        return truncated;
    }

    public boolean isDone() {
        return dataLength == DONE.length && Arrays.equals(data, 0, DONE.length, DONE, 0, DONE.length);
    }

    public String dataAsString() {
        return new String(data, 0, dataLength, StandardCharsets.UTF_8);
    }

    private void appendField(int prefixLength) {
        byte[] buf = lines.buffer();
        int from = lines.lineStart() + prefixLength;
        int to = lines.lineStart() + lines.lineLength();
        if (from < to && buf[from] == ' ') {
            from++;
        }
        int n = to - from;
        ensure(dataLength + n);
        System.arraycopy(buf, from, data, dataLength, n);
        dataLength += n;
    }

    private String fieldText(int prefixLength) {
        int from = lines.lineStart() + prefixLength;
        int to = lines.lineStart() + lines.lineLength();
        return new String(lines.buffer(), from, to - from, StandardCharsets.UTF_8).strip();
    }

    private void append(byte b) {
        ensure(dataLength + 1);
        data[dataLength++] = b;
    }

    private void ensure(int capacity) {
        if (capacity > data.length) {
            data = Arrays.copyOf(data, Math.max(capacity, data.length * 2));
        }
    }
}
