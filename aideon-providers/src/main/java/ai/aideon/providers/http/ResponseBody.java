package ai.aideon.providers.http;

import ai.aideon.core.provider.ProviderException;

import java.io.IOException;
import java.io.InputStream;

/** A 2xx response body being read, with the failure mapping its readers need. */
public final class ResponseBody implements AutoCloseable {
    private static final int MAX_DRAIN = 64 * 1024;

    private final InputStream in;
    private final ResponseHeaders headers;
    private final ErrorMapper errors;
    private volatile boolean closed;
    private volatile boolean draining;

    ResponseBody(InputStream in, ResponseHeaders headers, ErrorMapper errors) {
        this.in = in;
        this.headers = headers;
        this.errors = errors;
    }

    public InputStream stream() {
        return in;
    }

    public ResponseHeaders headers() {
        return headers;
    }

    public String requestId() {
        return ErrorMapper.requestId(headers);
    }

    /** True when our watchdog, not the upstream, ended the body. */
    public boolean timedOut() {
        return in instanceof WatchedInputStream w && w.timedOut();
    }

    public boolean closedByCaller() {
        return closed;
    }

    /** Reads the whole body (reaching EOF lets the connection go back to the pool). */
    public byte[] readAll() throws ProviderException {
        try (in) {
            byte[] bytes = in.readAllBytes();
            if (timedOut()) {
                throw errors.fromIo(new IOException("body timed out"), true);
            }
            return bytes;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    byte[] readErrorBody(int limit) {
        try {
            return in.readNBytes(limit);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Maps a read failure, telling our own timeout apart from a broken connection. */
    public ProviderException failure(IOException e) {
        return errors.fromIo(e, timedOut());
    }

    /** Maps a read failure in the middle of a stream. */
    public ProviderException streamFailure(String terminator, IOException e) {
        return errors.streamBroken(terminator, e, timedOut());
    }

    /** Abandons the body (its connection is closed, not reused); a no-op once {@link #closeAfterCleanEnd()} ran. */
    @Override
    public void close() {
        closed = true;
        if (draining) {
            return; // the drain owns the body now; closing it here would cost the connection
        }
        try {
            in.close();
        } catch (IOException ignored) {
            // Nothing left to do with a body we are abandoning.
        }
    }

    /**
     * Closes after the upstream's terminator was seen. The terminating HTTP chunk usually follows right behind it,
     * and Helidon pools a chunked connection only once its body was read to that end (closing earlier drops it).
     * Reading up to EOF on a virtual thread keeps the connection (saving a connect, or a TLS handshake) without
     * making the caller wait for the upstream's last bytes. Callers close a stream as soon as it has ended, so a
     * later {@link #close()} leaves the drain alone.
     */
    public void closeAfterCleanEnd() {
        closed = true;
        draining = true;
        Thread.ofVirtual().name("aideon-body-drain").start(() -> {
            try (in) {
                int total = 0;
                byte[] sink = new byte[4096];
                int n;
                while (total < MAX_DRAIN && (n = in.read(sink)) >= 0) {
                    total += n;
                }
            } catch (IOException ignored) {
                // The connection is simply not reused.
            }
        });
    }
}
