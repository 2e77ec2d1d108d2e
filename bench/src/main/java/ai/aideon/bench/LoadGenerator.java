package ai.aideon.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop HTTP/1.1 load generator for {@code POST /v1/chat/completions}.
 *
 * <p>Each worker (a virtual thread by default) owns one persistent keep-alive socket, writes the same pre-encoded
 * request bytes, reads the response with {@link HttpResponseReader} and only then sends the next request.
 * Latencies are taken with {@link System#nanoTime()} from just before the write to the end of the response and
 * stored in a preallocated {@code long[]} per worker, so the measured loop allocates nothing on success.
 *
 * <p>A run is a warm-up phase (not recorded) followed by a measured phase; each phase stops at a fixed request
 * count or a maximum duration, whichever comes first. Every response must be {@code 200} (and, when streaming,
 * contain {@code data: [DONE]} and no error event); anything else is counted as an error with its reason.
 *
 * <p>Closed loop means latency spikes slow the offered load down instead of queueing requests behind them
 * (coordinated omission): fine for comparing hops on loopback, not for modelling an open-loop arrival rate.
 */
public final class LoadGenerator {

    private static final int MAX_DISTINCT_ERRORS = 20;

    /** What to run. {@code host} must be a loopback address for meaningful numbers. */
    public record Config(String host, int port, String apiKey, boolean stream, int concurrency,
                         int warmupRequests, Duration warmupMax, int requests, Duration maxDuration,
                         boolean virtualThreads, Duration socketTimeout) {
        public Config {
            Objects.requireNonNull(host);
            Objects.requireNonNull(apiKey);
            if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
            if (requests < 1) throw new IllegalArgumentException("requests must be >= 1");
            if (warmupRequests < 0) throw new IllegalArgumentException("warmupRequests must be >= 0");
        }

        public static Config of(String host, int port, String apiKey, boolean stream, int concurrency,
                                int warmupRequests, int requests, Duration maxDuration) {
            return new Config(host, port, apiKey, stream, concurrency, warmupRequests, maxDuration, requests,
                    maxDuration, true, Duration.ofSeconds(30));
        }

        public Config withPlatformThreads() {
            return new Config(host, port, apiKey, stream, concurrency, warmupRequests, warmupMax, requests,
                    maxDuration, false, socketTimeout);
        }
    }

    /**
     * The server's CPU meters: its whole CPU time and that of its JIT compiler threads (nanoseconds, -1 when
     * unknown). With them, warm-up goes on until the compiler is quiet (see {@link #settle}).
     */
    public record ServerCpu(LongSupplier total, LongSupplier jit) {
    }

    /**
     * After the warm-up requests, warm up further in slices of {@link #SETTLE_SLICE} until the server's JIT used at
     * most {@link #JIT_QUIET_SHARE} of its CPU in the last slice, for at most {@code max}.
     */
    public record Settle(ServerCpu cpu, Duration max) {
    }

    static final Duration SETTLE_SLICE = Duration.ofSeconds(2);
    static final double JIT_QUIET_SHARE = 0.03;

    /**
     * Outcome of the measured phase. {@code serverJitNanos}: CPU of the server's JIT compiler during it (-1 when
     * unknown); {@code settleSeconds}: warm-up spent waiting for the JIT to settle, after the warm-up requests.
     */
    public record Result(Config config, int completed, int ok, long errors, Map<String, Long> errorReasons,
                         double elapsedSeconds, LatencyStats total, LatencyStats ttfb, long serverCpuNanos,
                         long serverJitNanos, double settleSeconds) {
        /** Successful responses per second over the measured phase. */
        public double throughput() {
            return elapsedSeconds <= 0 ? 0 : ok / elapsedSeconds;
        }

        /** CPU time the measured server spent per completed request, in µs; negative when not measured. */
        public double serverCpuMicrosPerRequest() {
            return serverCpuNanos < 0 || completed == 0 ? -1 : serverCpuNanos / 1e3 / completed;
        }

        /** Share of the server's CPU in the measured phase that went to JIT compilation; negative when unknown. */
        public double jitShare() {
            return serverJitNanos < 0 || serverCpuNanos <= 0 ? -1 : (double) serverJitNanos / serverCpuNanos;
        }
    }

    private LoadGenerator() {
    }

    public static Result run(Config config) throws InterruptedException {
        return run(config, null);
    }

    /**
     * Runs warm-up and measured phase; {@code settle} (may be null) reads the server's CPU time, sampled around the
     * measured phase, and extends the warm-up until the server's JIT compiler is quiet.
     */
    public static Result run(Config config, Settle settle) throws InterruptedException {
        return interleaved(List.of(config), Arrays.asList(settle), config.maxDuration()).get(0);
    }

    /**
     * Warms up every target (each config with its settle, which may be null), then measures them taking turns in
     * slices of {@code slice}: A B C A B C ... until each has had its {@code maxDuration} or its {@code requests}.
     * On a shared machine whose speed drifts over seconds to minutes, targets measured in alternating slices meet
     * the same drift, so their comparison holds where back-to-back windows of 10 s each compare two moments as much
     * as two targets. Each target's result adds up its slices (wall time, CPU, latencies).
     */
    public static List<Result> interleaved(List<Config> configs, List<Settle> settles, Duration slice)
            throws InterruptedException {
        if (configs.size() != settles.size()) throw new IllegalArgumentException("one settle (or null) per config");
        List<Target> targets = new ArrayList<>();
        try {
            for (int i = 0; i < configs.size(); i++) {
                Target t = new Target(configs.get(i), settles.get(i));
                targets.add(t);
                t.warmUp();
            }
            // The first targets' connections sat idle while the others warmed up (up to a minute each with a busy
            // JIT): a server may have closed them meanwhile. One unrecorded request per worker reconnects those.
            for (Target t : targets) t.touch();
            boolean more = true;
            while (more) {
                more = false;
                for (Target t : targets) {
                    more |= t.measureSlice(slice);
                }
            }
            List<Result> results = new ArrayList<>();
            for (Target t : targets) results.add(t.result());
            return results;
        } finally {
            for (Target t : targets) t.close();
        }
    }

    /** One target's workers and what its measured slices added up to. */
    private static final class Target {
        final Config config;
        final Settle settle;
        final Worker[] workers;
        final AtomicInteger tickets;
        double settleSeconds;
        long measuredNanos;
        long cpuNanos;
        long jitNanos;

        Target(Config config, Settle settle) {
            this.config = config;
            this.settle = settle;
            byte[] request = ChatRequest.encode(config.host(), config.port(), config.apiKey(), config.stream());
            this.workers = new Worker[config.concurrency()];
            // One worker may in theory take every ticket, so each gets room for the whole measured phase.
            for (int i = 0; i < workers.length; i++) workers[i] = new Worker(config, request);
            this.tickets = new AtomicInteger(config.requests());
            this.cpuNanos = settle == null ? -1 : 0;
            this.jitNanos = settle == null ? -1 : 0;
        }

        void warmUp() throws InterruptedException {
            if (config.warmupRequests() > 0) {
                runPhase(config, workers, new AtomicInteger(config.warmupRequests()), config.warmupMax(), false);
            }
            settleSeconds = settle == null ? 0 : settle(config, workers, settle);
            for (Worker w : workers) w.resetCounters(); // forget both warm-ups' counts
        }

        /** One unrecorded request per worker, counts forgotten: reconnects what went stale while others warmed up. */
        void touch() throws InterruptedException {
            runPhase(config, workers, new AtomicInteger(workers.length), config.warmupMax(), false);
            for (Worker w : workers) w.resetCounters();
        }

        /** Measures up to {@code slice} more; false when this target has had all its time or requests. */
        boolean measureSlice(Duration slice) throws InterruptedException {
            long left = config.maxDuration().toNanos() - measuredNanos;
            if (left <= 0 || tickets.get() <= 0) return false;
            long cpuBefore = cpuNanos < 0 ? -1 : settle.cpu().total().getAsLong();
            long jitBefore = jitNanos < 0 ? -1 : settle.cpu().jit().getAsLong();
            measuredNanos += runPhase(config, workers, tickets, Duration.ofNanos(Math.min(left, slice.toNanos())),
                    true);
            if (cpuNanos >= 0) cpuNanos = cpuBefore < 0 ? -1 : cpuNanos + settle.cpu().total().getAsLong() - cpuBefore;
            if (jitNanos >= 0) jitNanos = jitBefore < 0 ? -1 : jitNanos + settle.cpu().jit().getAsLong() - jitBefore;
            return true;
        }

        Result result() {
            long[][] totals = new long[workers.length][];
            long[][] ttfbs = new long[workers.length][];
            int[] counts = new int[workers.length];
            int completed = 0;
            long errors = 0;
            Map<String, LongAdder> reasons = new ConcurrentHashMap<>();
            for (int i = 0; i < workers.length; i++) {
                Worker w = workers[i];
                totals[i] = w.total;
                ttfbs[i] = w.ttfb;
                counts[i] = w.ok;
                completed += w.ok + (int) w.errors;
                errors += w.errors;
                w.errorReasons.forEach((k, v) -> reasons.computeIfAbsent(k, x -> new LongAdder()).add(v));
            }
            Map<String, Long> sortedReasons = new LinkedHashMap<>();
            reasons.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                    .forEach(e -> sortedReasons.put(e.getKey(), e.getValue().sum()));
            int ok = completed - (int) errors;
            return new Result(config, completed, ok, errors, sortedReasons, measuredNanos / 1e9,
                    LatencyStats.of(totals, counts),
                    config.stream() ? LatencyStats.of(ttfbs, counts) : LatencyStats.of(), cpuNanos, jitNanos,
                    settleSeconds);
        }

        void close() {
            for (Worker w : workers) w.closeQuietly();
        }
    }

    /** Warms up in slices until the server's JIT is quiet or {@code settle.max()} passed; returns the seconds spent. */
    private static double settle(Config config, Worker[] workers, Settle settle) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + settle.max().toNanos();
        while (System.nanoTime() < deadline) {
            long cpuBefore = settle.cpu().total().getAsLong();
            long jitBefore = settle.cpu().jit().getAsLong();
            if (cpuBefore < 0 || jitBefore < 0) {
                break; // cannot tell: the configured warm-up has to do
            }
            long slice = Math.min(SETTLE_SLICE.toNanos(), deadline - System.nanoTime());
            runPhase(config, workers, new AtomicInteger(Integer.MAX_VALUE), Duration.ofNanos(Math.max(1, slice)),
                    false);
            long cpu = settle.cpu().total().getAsLong() - cpuBefore;
            long jit = settle.cpu().jit().getAsLong() - jitBefore;
            if (jit <= JIT_QUIET_SHARE * cpu) {
                break;
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Runs one phase on all workers, until {@code tickets} (requests left, shared with later phases) run out or
     * {@code max} passed; returns its wall time in nanoseconds (start to last completion).
     */
    private static long runPhase(Config config, Worker[] workers, AtomicInteger tickets, Duration max, boolean record)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        Thread[] threads = new Thread[workers.length];
        for (int i = 0; i < workers.length; i++) {
            Worker w = workers[i];
            Runnable body = () -> w.loop(tickets, deadline, record);
            threads[i] = config.virtualThreads()
                    ? Thread.ofVirtual().name("bench-worker-", i).start(body)
                    : Thread.ofPlatform().name("bench-worker-" + i).daemon(true).start(body);
        }
        try {
            for (Thread t : threads) t.join();
        } catch (InterruptedException e) {
            for (Thread t : threads) t.interrupt();
            for (Worker w : workers) w.closeQuietly(); // unblocks socket reads
            throw e;
        }
        return System.nanoTime() - start;
    }

    /** One closed-loop client: one connection, one request in flight. */
    private static final class Worker {
        private final Config config;
        private final byte[] request;
        final long[] total;
        final long[] ttfb;
        int ok;
        long errors;
        final Map<String, Long> errorReasons = new LinkedHashMap<>();

        private Socket socket;
        private OutputStream out;
        private HttpResponseReader reader;

        Worker(Config config, byte[] request) {
            this.config = config;
            this.request = request;
            this.total = new long[config.requests()];
            this.ttfb = config.stream() ? new long[config.requests()] : new long[0];
        }

        void resetCounters() {
            ok = 0;
            errors = 0;
            errorReasons.clear();
        }

        void loop(AtomicInteger tickets, long deadline, boolean record) {
            while (!Thread.currentThread().isInterrupted()
                    && System.nanoTime() < deadline
                    && tickets.getAndDecrement() > 0) {
                long t0 = System.nanoTime();
                try {
                    if (socket == null) connect();
                    out.write(request);
                    int status = reader.read(config.stream());
                    long t1 = System.nanoTime();
                    String problem = problem(status);
                    if (problem == null) {
                        if (record) {
                            total[ok] = t1 - t0;
                            if (config.stream()) {
                                long first = reader.firstBodyByteNanos();
                                ttfb[ok] = (first == 0 ? t1 : first) - t0;
                            }
                        }
                        ok++;
                    } else {
                        error(problem);
                    }
                    if (reader.connectionClose()) closeQuietly();
                } catch (IOException | RuntimeException e) {
                    error(e.getClass().getSimpleName() + ": " + e.getMessage());
                    closeQuietly();
                }
            }
        }

        private String problem(int status) {
            if (status != 200) return "HTTP " + status + ": " + reader.snippet();
            if (config.stream()) {
                if (reader.sawErrorEvent()) return "SSE error event in stream";
                if (!reader.sawDone()) return "SSE stream ended without data: [DONE]";
            } else if (reader.bodyBytes() == 0) {
                return "HTTP 200 with empty body";
            }
            return null;
        }

        private void error(String reason) {
            errors++;
            if (errorReasons.containsKey(reason) || errorReasons.size() < MAX_DISTINCT_ERRORS) {
                errorReasons.merge(reason, 1L, Long::sum);
            } else {
                errorReasons.merge("(other errors)", 1L, Long::sum);
            }
        }

        private void connect() throws IOException {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(config.host(), config.port()), 5_000);
                s.setSoTimeout((int) config.socketTimeout().toMillis());
                InputStream in = s.getInputStream();
                out = s.getOutputStream();
                reader = new HttpResponseReader(in);
                socket = s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }

        void closeQuietly() {
            Socket s = socket;
            socket = null;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
