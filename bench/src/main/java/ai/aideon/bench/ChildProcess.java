package ai.aideon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A process the bench started (upstream JVM, gateway JVM, nginx): output goes to a log file, readiness is polled,
 * and it is always destroyed (descendants first) at close, on errors and from a JVM shutdown hook on Ctrl-C.
 */
final class ChildProcess implements AutoCloseable {

    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ChildProcess::close), "bench-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildProcess start(String name, List<String> command, Path workDir, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE); // child sees EOF on stdin when we die
        ChildProcess child = new ChildProcess(name, pb.start(), log);
        LIVE.add(child);
        return child;
    }

    String name() {
        return name;
    }

    /** CPU time (user + system) used so far by the process and its descendants, in nanoseconds; -1 if unknown. */
    long cpuNanos() {
        return sumOverTree(h -> h.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L));
    }

    /** CPU time of the JIT compiler threads of the process and its descendants; see {@link JitThreads}. */
    long jitCpuNanos() {
        return sumOverTree(h -> JitThreads.cpuNanos(h.pid()));
    }

    /** {@code nanos} of the process plus all its descendants; -1 when any of them is unknown (negative). */
    private long sumOverTree(java.util.function.ToLongFunction<ProcessHandle> nanos) {
        long total = 0;
        for (ProcessHandle h : java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()),
                process.descendants()).toList()) {
            long n = nanos.applyAsLong(h);
            if (n < 0) {
                return -1;
            }
            total += n;
        }
        return total;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until a TCP connect to 127.0.0.1:port succeeds. */
    void awaitPort(int port, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            ensureAlive();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IOException(name + " did not accept connections on port " + port + " within " + timeout
                + " (" + last + ")\n" + tail());
    }

    /** Waits until {@code GET url} answers 200. */
    void awaitHttp200(String url, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(500)).build()) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
            while (System.nanoTime() < deadline) {
                ensureAlive();
                try {
                    HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) return;
                    last = "HTTP " + r.statusCode() + " " + r.body();
                } catch (IOException e) {
                    last = e.toString();
                }
                Thread.sleep(100);
            }
        }
        throw new IOException(name + " was not ready at " + url + " within " + timeout + " (" + last + ")\n" + tail());
    }

    private void ensureAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IOException(name + " exited with code " + process.exitValue() + "\n" + tail());
        }
    }

    /** The last lines of the process log, for error messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            int from = Math.max(0, lines.size() - 30);
            return "--- last lines of " + log + " ---\n" + String.join("\n", lines.subList(from, lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log at " + log + ")";
        }
    }

    @Override
    public void close() {
        LIVE.remove(this);
        if (!process.isAlive()) return;
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A port that was free a moment ago on 127.0.0.1 (the child binds it right after; a clash fails loudly). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
