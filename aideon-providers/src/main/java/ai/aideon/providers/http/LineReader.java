package ai.aideon.providers.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines (LF or CRLF) without decoding them: callers parse JSON straight from the buffer.
 * The current line is valid only until the next call to {@link #next()}.
 */
final class LineReader {
    private static final int MAX_LINE = 32 * 1024 * 1024;

    private final InputStream in;
    private byte[] buf = new byte[16 * 1024];
    private int start;
    private int end;
    private int lineStart;
    private int lineLength;
    private boolean terminated;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** Advances to the next line; false at end of input. A final line without a newline is still returned. */
    boolean next() throws IOException {
        int scanFrom = start;
        while (true) {
            for (int i = scanFrom; i < end; i++) {
                if (buf[i] == '\n') {
                    lineStart = start;
                    lineLength = (i > start && buf[i - 1] == '\r') ? i - start - 1 : i - start;
                    start = i + 1;
                    terminated = true;
                    return true;
                }
            }
            scanFrom = end;
            if (end == buf.length) {
                scanFrom -= start;
                makeRoom();
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                if (end > start) {
                    lineStart = start;
                    lineLength = end - start;
                    start = end;
                    terminated = false;
                    return true;
                }
                return false;
            }
            end += n;
        }
    }

    private void makeRoom() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        } else {
            if (buf.length >= MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
    }

    byte[] buffer() {
        return buf;
    }

    int lineStart() {
        return lineStart;
    }

    int lineLength() {
        return lineLength;
    }

    /** False for a last line that ended at EOF without its newline (a cut stream). */
    boolean lineTerminated() {
        return terminated;
    }

    boolean lineStartsWith(byte[] prefix) {
        return lineLength >= prefix.length
                && Arrays.equals(buf, lineStart, lineStart + prefix.length, prefix, 0, prefix.length);
    }
}
