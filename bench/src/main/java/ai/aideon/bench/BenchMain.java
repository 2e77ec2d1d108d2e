package ai.aideon.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Gateway vs direct upstream vs nginx on loopback. Starts the fake upstream in its own JVM, then for each target
 * (direct, gateway, nginx) and each mode (chat, stream) and concurrency (1, 16) runs the closed-loop
 * {@link LoadGenerator}, prints one table and writes it to {@code bench/results/latest.md}.
 *
 * <pre>
 * java -jar bench/target/aideon-bench.jar [--quick] [--root DIR] [--out FILE] [--targets direct,gateway,gateway-bare,nginx]
 *      [--modes chat,stream] [--concurrency 1,16] [--warmup N] [--settle-max S] [--requests N]
 *      [--max-seconds S] [--slice S]
 *      [--gateway-jar FILE] [--nginx FILE] [--gateway-java-opts "..."] [--platform-threads]
 * </pre>
 */
public final class BenchMain {

    private static final String UPSTREAM_KEY = "test-key";

    private BenchMain() {
    }

    /** Parsed command line. */
    record Options(boolean quick, Path root, Path out, List<String> targets, List<Boolean> modes,
                   List<Integer> concurrency, int warmup, int requests, Duration maxDuration, Path gatewayJar,
                   Optional<Path> nginx, List<String> gatewayJavaOpts, boolean platformThreads, int rounds,
                   Duration settleMax, Duration slice) {

        static Options parse(String[] args) {
            boolean quick = false;
            Path root = Path.of("").toAbsolutePath();
            Path out = null;
            List<String> targets = ResultTable.TARGET_ORDER;
            List<Boolean> modes = List.of(false, true);
            List<Integer> conc = List.of(1, 16);
            Integer warmup = null;
            Integer requests = null;
            Double maxSeconds = null;
            Path gatewayJar = null;
            Optional<Path> nginx = null;
            List<String> gatewayOpts = List.of();
            boolean platform = false;
            int rounds = 1;
            Double settleSeconds = null;
            double sliceSeconds = 1.0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> quick = true;
                    case "--root" -> root = Path.of(args[++i]).toAbsolutePath();
                    case "--out" -> out = Path.of(args[++i]);
                    case "--targets" -> targets = List.of(args[++i].split(","));
                    case "--modes" -> modes = Arrays.stream(args[++i].split(",")).map(m -> switch (m) {
                        case "chat" -> false;
                        case "stream" -> true;
                        default -> throw new IllegalArgumentException("unknown mode " + m + " (chat, stream)");
                    }).toList();
                    case "--concurrency" -> conc = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--requests" -> requests = Integer.parseInt(args[++i]);
                    case "--max-seconds" -> maxSeconds = Double.parseDouble(args[++i]);
                    case "--gateway-jar" -> gatewayJar = Path.of(args[++i]);
                    case "--nginx" -> {
                        String v = args[++i];
                        nginx = v.equals("none") ? Optional.empty() : Optional.of(Path.of(v));
                    }
                    case "--gateway-java-opts" -> gatewayOpts = List.of(args[++i].trim().split("\\s+"));
                    case "--platform-threads" -> platform = true;
                    case "--settle-max" -> settleSeconds = Double.parseDouble(args[++i]);
                    case "--slice" -> {
                        sliceSeconds = Double.parseDouble(args[++i]);
                        if (!(sliceSeconds > 0)) throw new IllegalArgumentException("--slice must be > 0");
                    }
                    case "--rounds" -> {
                        rounds = Integer.parseInt(args[++i]);
                        if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1");
                    }
                    case "-h", "--help" -> {
                        usage(System.out);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            for (String t : targets) {
                if (!ResultTable.TARGET_ORDER.contains(t)) {
                    throw new IllegalArgumentException("unknown target " + t + " (direct, gateway, gateway-bare, nginx)");
                }
            }
            int scale = quick ? 10 : 1;
            return new Options(quick, root,
                    out != null ? out : root.resolve("bench/results/latest.md"),
                    targets, modes, conc,
                    warmup != null ? warmup : 2_000 / scale,
                    requests != null ? requests : 100_000 / scale,
                    Duration.ofMillis((long) ((maxSeconds != null ? maxSeconds : 10.0 / scale) * 1000)),
                    gatewayJar != null ? gatewayJar : root.resolve("aideon-server/target/aideon-server.jar"),
                    nginx != null ? nginx : NginxProxy.find(),
                    gatewayOpts.size() == 1 && gatewayOpts.get(0).isEmpty() ? List.of() : gatewayOpts,
                    platform, rounds,
                    Duration.ofMillis((long) ((settleSeconds != null ? settleSeconds : 60.0 / scale) * 1000)),
                    Duration.ofMillis(Math.max(1, (long) (sliceSeconds * 1000))));
        }

        static void usage(PrintStream out) {
            out.println("""
                    usage: bench/run [--quick] [options]
                      --quick                 a tenth of the default work (200 warm-up, 2000 requests or 1 s per cell)
                      --targets LIST          direct,gateway,gateway-bare,nginx (default all; gateway =
                                              full money path with a durable ledger row per request,
                                              gateway-bare = the same with store: none)
                      --modes LIST            chat,stream (default both)
                      --concurrency LIST      default 1,16
                      --warmup N              warm-up requests per cell (default 2000)
                      --settle-max S          after them, warm up until the target's JIT compiler is quiet
                                              (<= 3% of its CPU over 2 s), at most S seconds per cell
                                              (default 60, --quick 6; 0 = off)
                      --requests N            measured requests per cell (default 100000)
                      --max-seconds S         max measured (and warm-up) duration per cell (default 10)
                      --slice S               a cell's targets are measured taking turns, S seconds at a time,
                                              until each has had its requests or seconds (default 1): they
                                              meet the machine's drift alike
                      --out FILE              Markdown output (default bench/results/latest.md)
                      --gateway-jar FILE      default aideon-server/target/aideon-server.jar
                      --nginx FILE|none       nginx binary (default: found on PATH or /usr/sbin)
                      --gateway-java-opts S   extra JVM options for the gateway process
                      --platform-threads      load generator on platform threads instead of virtual threads
                      --rounds N              measure every target N times, one round after the other, and report
                                              per cell the round with the median p50 (default 1; every other
                                              round runs the targets in reverse order): on a busy
                                              machine this keeps one noisy moment from deciding a comparison
                      --no-build              (bench/run only) skip ./aideon build
                    """);
        }
    }

    public static void main(String[] args) {
        Options opt;
        try {
            opt = Options.parse(args);
        } catch (RuntimeException e) {
            System.err.println("bench: " + e.getMessage());
            Options.usage(System.err);
            System.exit(2);
            return;
        }
        try {
            run(opt);
        } catch (Exception e) {
            System.err.println("bench: failed: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
        }
        System.exit(0);
    }

    static void run(Options opt) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("aideon-bench-");
        List<ResultTable.Row> rows = new ArrayList<>();
        String nginxVersion = opt.nginx().map(NginxProxy::version).orElse("not installed");
        log("work dir " + work + "; " + (opt.quick() ? "quick run" : "full run") + ": warm-up " + opt.warmup()
                + ", then " + opt.requests() + " requests or " + opt.maxDuration().toMillis() / 1000.0
                + " s per cell; load generator on " + (opt.platformThreads() ? "platform" : "virtual") + " threads");
        boolean ok = false;
        // Interrupted (Ctrl-C / SIGTERM): children are stopped by ChildProcess's hook; drop the temp dir too.
        Thread cleanup = new Thread(() -> deleteTree(work), "bench-work-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (ChildProcess upstream = startUpstream(work)) {
            int upstreamPort = upstreamPort(upstream);
            log("fake upstream (own JVM) on 127.0.0.1:" + upstreamPort);
            prewarmUpstream(opt, upstreamPort);

            // Every target starts once and stays up; then each cell measures the targets taking turns in slices of
            // a second, round after round. A shared VM's speed drifts over seconds to minutes, so a cell's targets
            // should meet the machine in the same state: measuring all of one target, then all of the next, compared
            // different moments as much as different code. An idle target costs nothing while another is measured.
            List<Target> live = new ArrayList<>();
            try {
                for (String target : opt.targets()) {
                    switch (target) {
                        case "direct" -> live.add(new Target("direct", upstreamPort, UPSTREAM_KEY,
                                new LoadGenerator.ServerCpu(upstream::cpuNanos, upstream::jitCpuNanos), null));
                        case "gateway" -> startGateway(opt, rows, work, upstreamPort, true).ifPresent(live::add);
                        case "gateway-bare" -> startGateway(opt, rows, work, upstreamPort, false)
                                .ifPresent(live::add);
                        case "nginx" -> startNginx(opt, rows, work, upstreamPort).ifPresent(live::add);
                        default -> throw new IllegalStateException(target);
                    }
                }
                for (int round = 1; round <= opt.rounds(); round++) {
                    if (opt.rounds() > 1) log("round " + round + " of " + opt.rounds());
                    // Every other round runs the targets in reverse (A B, B A, ...): the VM's speed drifts within a
                    // round too, and a fixed order would hand that drift to the same target every time.
                    List<Target> order = round % 2 == 1 ? live : live.reversed();
                    for (boolean stream : opt.modes()) {
                        for (int c : opt.concurrency()) {
                            measureCell(opt, rows, order, stream, c);
                        }
                    }
                }
            } finally {
                for (Target t : live) {
                    t.close();
                }
            }
            ok = true;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                return;
            }
            if (ok) deleteTree(work); // keep logs and generated configs when something went wrong
            else System.err.println("bench: logs and generated configs kept in " + work);
        }

        String errors = ResultTable.errors(rows);
        String metering = ResultTable.meteringCost(rows); // per round, before the rounds collapse
        rows = ResultTable.medianRounds(rows);
        String table = ResultTable.markdown(rows);
        System.out.println();
        System.out.print(table);
        if (!metering.isEmpty()) {
            System.out.println();
            System.out.println("Money path (gateway vs gateway-bare, same round):");
            System.out.print(metering);
        }
        if (!errors.isEmpty()) {
            System.out.println();
            System.out.println("Errors:");
            System.out.print(errors);
        }
        writeMarkdown(opt, table, metering, errors, nginxVersion);
        System.out.println();
        System.out.println("written to " + opt.out());
    }

    // ------------------------------------------------------------------ targets

    /** A started target: where to send load, and how to read the CPU time of the process behind that port. */
    private record Target(String name, int port, String key, LoadGenerator.ServerCpu cpu, AutoCloseable process) {
        void close() {
            if (process == null) return;
            try {
                process.close();
            } catch (Exception e) {
                log(name + " did not stop cleanly: " + e.getMessage());
            }
        }
    }

    private static Optional<Target> startGateway(Options opt, List<ResultTable.Row> rows, Path work, int upstreamPort,
                                                 boolean metering) throws InterruptedException {
        String target = metering ? "gateway" : "gateway-bare";
        if (!Files.isRegularFile(opt.gatewayJar())) {
            skipAll(opt, rows, target, "skipped (no " + opt.root().relativize(opt.gatewayJar().toAbsolutePath())
                    + "; run ./aideon build)");
            return Optional.empty();
        }
        try {
            GatewayProcess gw = GatewayProcess.start(opt.gatewayJar(), work, upstreamPort, opt.gatewayJavaOpts(),
                    metering);
            log(target + " (own JVM) on 127.0.0.1:" + gw.port());
            return Optional.of(new Target(target, gw.port(), GatewayProcess.CLIENT_KEY,
                    new LoadGenerator.ServerCpu(gw::cpuNanos, gw::jitCpuNanos), gw));
        } catch (IOException e) {
            log(target + " could not start: " + e.getMessage());
            skipAll(opt, rows, target, "skipped (gateway did not start, see log above)");
            return Optional.empty();
        }
    }

    private static Optional<Target> startNginx(Options opt, List<ResultTable.Row> rows, Path work, int upstreamPort)
            throws InterruptedException {
        if (opt.nginx().isEmpty()) {
            skipAll(opt, rows, "nginx", "skipped (install nginx)");
            return Optional.empty();
        }
        try {
            NginxProxy nginx = NginxProxy.start(opt.nginx().get(), work, upstreamPort);
            log(NginxProxy.version(opt.nginx().get()) + " on 127.0.0.1:" + nginx.port());
            return Optional.of(new Target("nginx", nginx.port(), UPSTREAM_KEY,
                    new LoadGenerator.ServerCpu(nginx::cpuNanos, () -> 0L), nginx)); // no JIT to wait for
        } catch (IOException e) {
            log("nginx could not start: " + e.getMessage());
            skipAll(opt, rows, "nginx", "skipped (nginx did not start, see log above)");
            return Optional.empty();
        }
    }

    /**
     * One cell: the targets in one mode at one concurrency. Each warms up, then they are measured in alternating
     * slices of {@code opt.slice()} (see {@link LoadGenerator#interleaved}).
     */
    private static void measureCell(Options opt, List<ResultTable.Row> rows, List<Target> targets, boolean stream,
                                    int c) throws InterruptedException {
        List<LoadGenerator.Config> configs = new ArrayList<>();
        List<LoadGenerator.Settle> settles = new ArrayList<>();
        for (Target target : targets) {
            configs.add(new LoadGenerator.Config("127.0.0.1", target.port(), target.key(), stream, c,
                    opt.warmup(), opt.maxDuration(), opt.requests(), opt.maxDuration(),
                    !opt.platformThreads(), Duration.ofSeconds(30)));
            settles.add(new LoadGenerator.Settle(target.cpu(), opt.settleMax()));
        }
        List<LoadGenerator.Result> results = LoadGenerator.interleaved(configs, settles, opt.slice());
        for (int i = 0; i < targets.size(); i++) {
            LoadGenerator.Result r = results.get(i);
            ResultTable.Row row = ResultTable.Row.measured(targets.get(i).name(), r);
            rows.add(row);
            log(String.format("%-22s %6d req %4d err %8.0f req/s  p50 %s ms  p99 %s ms  cpu %s us/req%s%s",
                    row.label(), r.completed(), r.errors(), r.throughput(),
                    ResultTable.ms(r.total().percentileNanos(50)), ResultTable.ms(r.total().percentileNanos(99)),
                    ResultTable.cpu(r),
                    stream ? "  ttfb p50 " + ResultTable.ms(r.ttfb().percentileNanos(50)) + " ms" : "",
                    r.jitShare() < 0 ? "" : String.format(
                            "  (JIT %.1f%% of its CPU; settled after %.0f s more warm-up)",
                            100 * r.jitShare(), r.settleSeconds())));
        }
    }

    private static void skipAll(Options opt, List<ResultTable.Row> rows, String target, String reason) {
        log(target + ": " + reason);
        for (boolean stream : opt.modes()) {
            for (int c : opt.concurrency()) rows.add(ResultTable.Row.skipped(target, stream, c, reason));
        }
    }

    // ------------------------------------------------------------------ upstream

    private static ChildProcess startUpstream(Path work) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Same class path as this JVM: with -jar that is the bench jar, whose manifest Class-Path pulls in lib/*.
        // Absolute entries: the child runs in the temp work dir.
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = List.of(java, "-cp", classPath,
                "ai.aideon.bench.UpstreamMain", "--port", "0", "--token-delay-ms", "0", "--api-key", UPSTREAM_KEY,
                "--exit-on-stdin-eof");
        return ChildProcess.start("fake upstream", cmd, work, work.resolve("upstream.log"));
    }

    private static final Pattern PORT_LINE = Pattern.compile("UPSTREAM_PORT=(\\d+)");

    /** Reads the port the upstream announced, then waits until it accepts TCP connections. */
    private static int upstreamPort(ChildProcess upstream) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(upstream.log())) {
                Matcher m = PORT_LINE.matcher(Files.readString(upstream.log()));
                if (m.find()) {
                    int port = Integer.parseInt(m.group(1));
                    upstream.awaitPort(port, Duration.ofSeconds(10));
                    return port;
                }
            }
            if (!upstream.isAlive()) break;
            Thread.sleep(50);
        }
        throw new IOException("fake upstream did not announce its port\n" + upstream.tail());
    }

    /** Gets the upstream JVM's JIT warm before the first measured cell so target order matters less. */
    private static void prewarmUpstream(Options opt, int port) throws InterruptedException {
        for (boolean stream : List.of(false, true)) {
            LoadGenerator.run(new LoadGenerator.Config("127.0.0.1", port, UPSTREAM_KEY, stream, 16, 0,
                    opt.maxDuration(), Math.max(1, opt.warmup() * 2), opt.maxDuration(), !opt.platformThreads(),
                    Duration.ofSeconds(30)));
        }
    }

    // ------------------------------------------------------------------ output

    private static void writeMarkdown(Options opt, String table, String metering, String errors, String nginxVersion)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Aideon bench: gateway vs direct upstream vs nginx\n\n");
        md.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        md.append("- commit: ").append(gitCommit(opt.root())).append('\n');
        md.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append('\n');
        md.append("- JDK: ").append(System.getProperty("java.vendor")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" (load generator, upstream, gateway)\n");
        md.append("- nginx: ").append(nginxVersion).append('\n');
        md.append("- run: ").append(opt.quick() ? "--quick" : "full").append("; per cell warm-up ")
                .append(opt.warmup()).append(" requests, then more until the target's JIT compiler used at most ")
                .append(Math.round(100 * LoadGenerator.JIT_QUIET_SHARE)).append("% of its CPU over ")
                .append(LoadGenerator.SETTLE_SLICE.toSeconds()).append(" s (at most ")
                .append(opt.settleMax().toSeconds()).append(" s), then ")
                .append(opt.requests()).append(" requests or ")
                .append(opt.maxDuration().toMillis() / 1000.0).append(" s, whichever first, the cell's targets taking turns ")
                .append(opt.slice().toMillis() / 1000.0).append(" s at a time")
                .append(opt.rounds() > 1 ? "; " + opt.rounds() + " rounds, each cell shows its median-p50 round" : "")
                .append("\n\n");
        md.append(table);
        if (!metering.isEmpty()) {
            md.append("\n## What the money path costs\n\n*gateway* (auth, rate limits, quotas, budget, a durable ledger "
                    + "row per request) against *gateway-bare* (`store: none`), measured in alternating slices in each "
                    + "round; "
                    + "the median of the rounds' changes:\n\n").append(metering);
        }
        if (!errors.isEmpty()) md.append("\nErrors:\n\n").append(errors);
        md.append("""

                How to read it: all on 127.0.0.1. *direct* = the load generator against the fake OpenAI upstream \
                (testkit, own JVM, no token delay); *gateway* = Aideon in front of it (own JVM, full request path); \
                *nginx* = nginx as a plain keep-alive reverse proxy in front of it (one worker process), the reference \
                for a minimal proxy hop. *chat* = non-streaming chat completion, *stream* = SSE with usage, read to \
                `data: [DONE]`. Closed loop: each of *conc* workers has one keep-alive connection and sends its next \
                request when the previous response finished. Latency = request write to end of response; TTFB = \
                request write to the first body byte (first SSE event). *added* = this row minus the *direct* row of \
                the same mode and concurrency (p99 differences are noisy). req/s counts successful responses. \
                Every process shares the same machine's CPUs, so concurrency 16 measures contention as much as \
                the hop; compare rows from the same run only.
                """);
        Files.createDirectories(opt.out().toAbsolutePath().getParent());
        Files.writeString(opt.out(), md.toString());
    }

    private static String gitCommit(Path root) {
        try {
            Process p = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) return "unknown";
            Process d = new ProcessBuilder("git", "-C", root.toString(), "status", "--porcelain")
                    .redirectErrorStream(true).start();
            boolean dirty = !new String(d.getInputStream().readAllBytes()).isBlank();
            d.waitFor(5, TimeUnit.SECONDS);
            return out + (dirty ? " (uncommitted changes)" : "");
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static void log(String msg) {
        System.err.println("bench: " + msg);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir; best effort
        }
    }
}
