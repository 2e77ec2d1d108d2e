package ai.aideon.providers.local;

import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.http.WatchedInputStream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;

/**
 * The stdout of the last program of a speech pipeline, handed on as the programs produce it.
 * <ul>
 * <li>An idle watchdog kills the whole pipeline when no byte arrives for the call's timeout (as for streamed HTTP
 * bodies), so a wedged engine cannot hold a request for ever; the reader then gets a TIMEOUT {@link Failure}, not
 * a quiet, short clip.</li>
 * <li>At the end of the stream every program's exit status is checked, so an engine that dies half-way is an error.
 * </li>
 * <li>Closing early (the client went away) kills the pipeline.</li>
 * </ul>
 */
final class ProcessAudioStream extends InputStream {
    /** Exit status of a program killed by SIGPIPE: the victim of its reader dying, not the cause. */
    private static final int KILLED_BY_SIGPIPE = 128 + 13;

    private final List<LocalProcess> pipeline;
    private final InputStream stdout;
    private final WatchedInputStream watch;
    private final Duration timeout;
    private Failure failure;
    private boolean ended;
    private volatile boolean closed;

    /** @param timeout how long the pipeline may stay silent; null for no limit */
    ProcessAudioStream(List<LocalProcess> pipeline, Duration timeout) {
        this.pipeline = List.copyOf(pipeline);
        this.timeout = timeout;
        InputStream killOnClose = new FilterInputStream(pipeline.getLast().stdout()) {
            @Override
            public void close() throws IOException {
                // Kill first: closing a pipe does not reliably wake a thread blocked reading it, the writer's death does.
                killAll();
                super.close();
            }
        };
        this.watch = timeout == null ? null : WatchedInputStream.idle(killOnClose, timeout);
        this.stdout = watch == null ? killOnClose : watch;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (ended) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n;
        try {
            n = stdout.read(buf, off, len);
        } catch (IOException e) {
            if (closed) {
                throw e;
            }
            n = -1; // the watchdog closed the pipe under us; end() says why
        }
        if (n < 0) {
            end();
            return -1;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        stdout.close();
    }

    /** The stream ended: find out whether that was the engines finishing, failing, or being timed out. */
    private void end() throws IOException {
        ended = true;
        if (closed) {
            return;
        }
        if (watch != null && watch.timedOut()) {
            failure = new Failure(Kind.TIMEOUT, pipeline.getFirst().program() + " produced no audio for "
                    + timeout.toMillis() + " ms; it was killed");
            throw failure;
        }
        LocalProcess culprit = null;
        for (LocalProcess p : pipeline) {
            try {
                if (!p.awaitExit(LocalProcess.EXIT_GRACE_NANOS)) {
                    killAll();
                    failure = new Failure(Kind.UNAVAILABLE, p.program() + " did not exit after its output ended");
                    throw failure;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killAll();
                throw new InterruptedIOException("interrupted while waiting for " + p.program() + " to exit");
            }
            boolean failed = p.exitCode() != 0;
            if (failed && (culprit == null || culprit.exitCode() == KILLED_BY_SIGPIPE)) {
                culprit = p;
            }
        }
        if (culprit != null) {
            String why = culprit.stderrSummary();
            failure = new Failure(Kind.UNAVAILABLE, culprit.program() + " failed (exit " + culprit.exitCode() + ")"
                    + (why.isEmpty() ? "" : ": " + why));
            throw failure;
        }
    }

    private void killAll() {
        pipeline.forEach(LocalProcess::kill);
    }

    /** An engine failure seen while reading, with the kind the provider reports when it happens before any audio. */
    static final class Failure extends IOException {
        private final Kind kind;

        Failure(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        Kind kind() {
            return kind;
        }
    }
}
