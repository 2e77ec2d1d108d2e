package ai.aideon.bench;

import ai.aideon.testkit.FakeUpstream;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the testkit's fake OpenAI-compatible upstream in its own JVM so the load generator never shares a JVM (GC,
 * JIT, CPU) with the server it measures.
 *
 * <pre>java -cp aideon-bench.jar ai.aideon.bench.UpstreamMain --port 0 [--token-delay-ms 0] [--api-key test-key]
 *                                                       [--exit-on-stdin-eof]</pre>
 *
 * {@code --port 0} is the only value accepted: the testkit's fakes always bind an ephemeral port, so this prints
 * {@code UPSTREAM_PORT=<port>} once listening and the caller reads it back. It then serves until killed; with
 * {@code --exit-on-stdin-eof} (what the bench passes) it also exits when its standard input reaches end-of-file,
 * i.e. when the parent bench process died, so it never outlives the benchmark.
 */
public final class UpstreamMain {

    private UpstreamMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        long tokenDelayMs = 0;
        String apiKey = "test-key";
        boolean exitOnStdinEof = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--token-delay-ms" -> tokenDelayMs = Long.parseLong(args[++i]);
                case "--api-key" -> apiKey = args[++i];
                case "--exit-on-stdin-eof" -> exitOnStdinEof = true;
                default -> {
                    System.err.println("usage: UpstreamMain --port 0 [--token-delay-ms MS] [--api-key KEY]"
                            + " [--exit-on-stdin-eof]");
                    System.exit(2);
                }
            }
        }
        if (port != 0) {
            // The testkit's fakes always bind an ephemeral port (tests never fight over ports); callers read it back.
            System.err.println("UpstreamMain: only --port 0 is supported; the port is printed as UPSTREAM_PORT=N");
            System.exit(2);
        }
        FakeUpstream upstream = FakeUpstream.openAi()
                .apiKey(apiKey)
                .tokenDelay(Duration.ofMillis(tokenDelayMs))
                .start();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            upstream.close();
            stop.countDown();
        }, "upstream-stop"));
        System.out.println("UPSTREAM_PORT=" + upstream.port());
        System.out.println("fake OpenAI upstream listening on " + upstream.baseUrl());
        System.out.flush();

        if (exitOnStdinEof) {
            Thread.ofPlatform().daemon(true).name("stdin-watch").start(() -> {
                try {
                    while (System.in.read() >= 0) { /* ignore input */ }
                } catch (IOException ignored) {
                    // treat as end-of-file
                }
                System.exit(0);
            });
        }
        stop.await();
    }
}
