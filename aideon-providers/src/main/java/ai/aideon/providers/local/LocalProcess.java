package ai.aideon.providers.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A started command-line program. Its stderr is drained on a virtual thread from the start, because a program that
 * fills the stderr pipe stops until someone reads it; only the tail is kept, for error messages. Killing takes its
 * children too, so a wrapper script cannot leave the real engine running and holding our pipes open.
 */
final class LocalProcess {
    /** After a program's stdout ends, how long it may take to exit before we call it hung. */
    static final long EXIT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Process process;
    private final String program;
    private final StderrTail stderr;

    private LocalProcess(Process process, String program) {
        this.process = process;
        this.program = program;
        this.stderr = StderrTail.drain(process.getErrorStream(), program);
    }

    static LocalProcess start(ProcessBuilder builder) throws IOException {
        return new LocalProcess(builder.start(), programName(builder));
    }

    /** Starts the programs with each one's stdout connected to the next one's stdin by an OS pipe. */
    static List<LocalProcess> startPipeline(List<ProcessBuilder> builders) throws IOException {
        List<Process> processes = ProcessBuilder.startPipeline(builders);
        List<LocalProcess> started = new ArrayList<>(processes.size());
        for (int i = 0; i < processes.size(); i++) {
            started.add(new LocalProcess(processes.get(i), programName(builders.get(i))));
        }
        return started;
    }

    /** The program's file name, for messages: {@code espeak-ng}, not {@code /usr/bin/espeak-ng}. */
    String program() {
        return program;
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    InputStream stdout() {
        return process.getInputStream();
    }

    long pid() {
        return process.pid();
    }

    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    boolean awaitExit(long nanos) throws InterruptedException {
        return process.waitFor(nanos, TimeUnit.NANOSECONDS);
    }

    int exitCode() {
        return process.exitValue();
    }

    /** The lines of stderr that explain a failure (see {@link StderrTail#summary()}). */
    String stderrSummary() {
        return stderr.summary();
    }

    /**
     * Closes stdin, then waits up to {@code timeoutNanos} for the program to finish, collecting its stdout. Returns
     * null, having killed it, when it is still running then.
     */
    Completed collect(long timeoutNanos) throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // The program already closed its end; it did not want input anyway.
        }
        StdoutCollector out = new StdoutCollector(process.getInputStream());
        Thread reader = Thread.ofVirtual().name(program + "-stdout").start(out);
        if (!process.waitFor(timeoutNanos, TimeUnit.NANOSECONDS)) {
            kill();
            reader.join(TimeUnit.NANOSECONDS.toMillis(EXIT_GRACE_NANOS));
            return null;
        }
        // A child that outlived the program could keep stdout open; do not wait on it for ever.
        if (!reader.join(Duration.ofNanos(EXIT_GRACE_NANOS))) {
            kill();
            reader.join();
        }
        return new Completed(process.exitValue(), out.bytes(), stderr.summary());
    }

    private static String programName(ProcessBuilder builder) {
        return Path.of(builder.command().getFirst()).getFileName().toString();
    }

    /** How a program that ran to its end finished. */
    record Completed(int exitCode, byte[] stdout, String stderr) {
    }

    private static final class StdoutCollector implements Runnable {
        private final InputStream in;
        private volatile byte[] bytes = new byte[0];

        StdoutCollector(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            try (in) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                // The program was killed mid-write; whatever it said is of no use now.
            }
        }

        byte[] bytes() {
            return bytes;
        }
    }
}
