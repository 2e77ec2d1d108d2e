package ai.aideon.providers.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.ReleasableResource;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A Helidon response entity as a plain {@link InputStream} that fails with {@link IOException}, as our readers
 * expect. Helidon reports a body that breaks off as unchecked exceptions: {@link UncheckedIOException} for socket
 * errors, DataReader's "insufficient data" for an EOF inside the body, parse errors for bad chunk framing. None of
 * them is ever a clean EOF, so a cut stream stays a failure.
 *
 * <p>Reading to EOF hands the connection back to the pool (Helidon does that itself). {@link #close()} before EOF
 * closes the connection: that unblocks a reader stuck in {@code read} on another thread, and a half-read connection
 * is never pooled. Helidon's own {@code response.close()} cannot be trusted with that from another thread: when
 * the whole body is already buffered it skips it and pools the connection, under a reader that may still use it.
 * Helidon's entity stream is never closed either: its {@code close()} blocks reading the next chunk.
 */
final class EntityStream extends InputStream {
    /**
     * Helidon allocates a new buffer of the requested length on every read, while a read returns at most one HTTP
     * chunk: for a stream that is one event of a few hundred bytes. Our line readers ask for up to 16 KiB, which
     * made zeroing buffers a visible cost per token.
     */
    private static final int MAX_READ = 2048;

    private final HttpClientResponse response;
    private final ReleasableResource connection;
    private final InputStream in;
    private volatile boolean atEnd;

    EntityStream(HttpClientResponse response, ReleasableResource connection) {
        this.response = response;
        this.connection = connection;
        this.in = response.inputStream();
    }

    @Override
    public int read() throws IOException {
        try {
            return ended(in.read());
        } catch (RuntimeException e) {
            throw broken(e);
        }
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        try {
            return ended(in.read(buf, off, Math.min(len, MAX_READ)));
        } catch (RuntimeException e) {
            throw broken(e);
        }
    }

    private int ended(int n) {
        if (n < 0) {
            atEnd = true;
        }
        return n;
    }

    @Override
    public void close() {
        if (!atEnd) {
            connection.closeResource();
        }
        try {
            response.close();
        } catch (RuntimeException e) {
            // It may look at the connection closed above; nothing is left to release either way.
        }
    }

    /** Also used for failures before the body: Helidon reads the status line and headers the same way. */
    static IOException broken(RuntimeException e) {
        return switch (e) {
            case UncheckedIOException u -> u.getCause();
            case DataReader.InsufficientDataAvailableException eof -> {
                EOFException out = new EOFException("connection closed by the upstream");
                out.initCause(eof);
                yield out;
            }
            default -> new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        };
    }
}
