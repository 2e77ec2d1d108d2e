package ai.aideon.bench;

import ai.aideon.testkit.FakeUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the real load generator against the testkit's fake upstream in-process. Asserts only that the numbers are
 * consistent (counts, errors, percentile order), never how fast anything was.
 */
class LoadGeneratorTest {

    private static FakeUpstream upstream;

    @BeforeAll
    static void startUpstream() {
        upstream = FakeUpstream.openAi().apiKey("test-key").start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    private static LoadGenerator.Config config(String key, boolean stream, int concurrency, int requests) {
        return LoadGenerator.Config.of("127.0.0.1", upstream.port(), key, stream, concurrency, 50, requests,
                Duration.ofMinutes(1));
    }

    @Test
    void non_streaming_run_counts_every_request_and_orders_percentiles() throws Exception {
        LoadGenerator.Result r = LoadGenerator.run(config("test-key", false, 4, 300));

        assertThat(r.completed()).isEqualTo(300);
        assertThat(r.ok()).isEqualTo(300);
        assertThat(r.errors()).isZero();
        assertThat(r.errorReasons()).isEmpty();
        assertThat(r.total().count()).isEqualTo(300);
        assertThat(r.total().percentileNanos(50)).isPositive()
                .isLessThanOrEqualTo(r.total().percentileNanos(99));
        assertThat(r.total().percentileNanos(99)).isLessThanOrEqualTo(r.total().maxNanos());
        assertThat(r.elapsedSeconds()).isPositive();
        assertThat(r.throughput()).isPositive();
        assertThat(r.ttfb().count()).isZero();
    }

    @Test
    void streaming_run_reads_to_done_and_ttfb_never_exceeds_total() throws Exception {
        LoadGenerator.Result r = LoadGenerator.run(config("test-key", true, 3, 300));

        assertThat(r.errorReasons()).isEmpty();
        assertThat(r.completed()).isEqualTo(300);
        assertThat(r.ok()).isEqualTo(300);
        assertThat(r.ttfb().count()).isEqualTo(300);
        assertThat(r.ttfb().percentileNanos(50)).isPositive()
                .isLessThanOrEqualTo(r.ttfb().percentileNanos(99))
                .isLessThanOrEqualTo(r.total().percentileNanos(50));
        assertThat(r.ttfb().percentileNanos(99)).isLessThanOrEqualTo(r.total().percentileNanos(99));
    }

    @Test
    void warm_up_goes_on_while_the_jit_is_busy_and_stops_once_it_is_quiet() throws Exception {
        // A fake server meter: 1 s of CPU per reading; the JIT takes half of it for the first two slices, then none.
        AtomicLong cpu = new AtomicLong();
        AtomicInteger jitReadings = new AtomicInteger();
        AtomicLong jit = new AtomicLong();
        LoadGenerator.ServerCpu meter = new LoadGenerator.ServerCpu(() -> cpu.addAndGet(1_000_000_000L),
                () -> jitReadings.incrementAndGet() <= 4 ? jit.addAndGet(500_000_000L) : jit.get());

        LoadGenerator.Result r = LoadGenerator.run(config("test-key", false, 2, 100),
                new LoadGenerator.Settle(meter, Duration.ofMinutes(1)));

        // Readings come in pairs (before, after) per slice: busy, busy, then one quiet slice ends the warm-up.
        double slice = LoadGenerator.SETTLE_SLICE.toNanos() / 1e9;
        assertThat(r.settleSeconds()).isGreaterThanOrEqualTo(2 * slice).isLessThan(3 * slice + 5);
        assertThat(r.completed()).isEqualTo(100);
        assertThat(r.serverJitNanos()).isZero();
        assertThat(r.serverCpuNanos()).isEqualTo(1_000_000_000L);
    }

    @Test
    void warm_up_gives_up_on_a_busy_jit_at_the_limit() throws Exception {
        AtomicLong cpu = new AtomicLong();
        LoadGenerator.ServerCpu alwaysCompiling = new LoadGenerator.ServerCpu(() -> cpu.addAndGet(1_000),
                () -> cpu.get()); // the JIT took all of it

        LoadGenerator.Result r = LoadGenerator.run(config("test-key", false, 2, 50),
                new LoadGenerator.Settle(alwaysCompiling, Duration.ofMillis(300)));

        assertThat(r.settleSeconds()).isGreaterThanOrEqualTo(0.3).isLessThan(10);
        assertThat(r.ok()).isEqualTo(50);
    }

    @Test
    void interleaved_targets_take_turns_and_each_adds_up_its_own_slices() throws Exception {
        // Each target's meter logs its name on every reading: one reading before and one after each of its slices.
        List<String> readings = Collections.synchronizedList(new ArrayList<>());
        LoadGenerator.Settle a = new LoadGenerator.Settle(new LoadGenerator.ServerCpu(() -> {
            readings.add("a");
            return readings.size() * 1_000L;
        }, () -> 0L), Duration.ZERO);
        LoadGenerator.Settle b = new LoadGenerator.Settle(new LoadGenerator.ServerCpu(() -> {
            readings.add("b");
            return 0L;
        }, () -> 0L), Duration.ZERO);
        Duration perTarget = Duration.ofMillis(400);
        LoadGenerator.Config ca = LoadGenerator.Config.of("127.0.0.1", upstream.port(), "test-key", false, 2, 20,
                1_000_000, perTarget);
        LoadGenerator.Config cb = LoadGenerator.Config.of("127.0.0.1", upstream.port(), "test-key", true, 2, 20,
                1_000_000, perTarget);

        List<LoadGenerator.Result> results = LoadGenerator.interleaved(List.of(ca, cb), List.of(a, b),
                Duration.ofMillis(100));

        // Turns: a a b b a a b b ... (a slice is at most 100 ms of a target's 400, so each has at least 4).
        List<String> turns = new ArrayList<>();
        for (int i = 0; i < readings.size(); i += 2) {
            assertThat(readings.get(i + 1)).isEqualTo(readings.get(i));
            turns.add(readings.get(i));
        }
        assertThat(turns).hasSizeGreaterThanOrEqualTo(8);
        for (int i = 0; i < turns.size(); i++) {
            assertThat(turns.get(i)).isEqualTo(i % 2 == 0 ? "a" : "b");
        }
        LoadGenerator.Result ra = results.get(0);
        LoadGenerator.Result rb = results.get(1);
        assertThat(ra.config()).isSameAs(ca);
        assertThat(rb.config()).isSameAs(cb);
        assertThat(ra.elapsedSeconds()).isGreaterThanOrEqualTo(0.4);
        assertThat(rb.elapsedSeconds()).isGreaterThanOrEqualTo(0.4);
        assertThat(ra.errors() + rb.errors()).isZero();
        assertThat(ra.ok()).isPositive().isEqualTo(ra.total().count());
        assertThat(rb.ok()).isPositive().isEqualTo(rb.ttfb().count());
        // a's meter grows by 1000 per reading of anyone's, and a reads it right before and after each of its slices:
        // 1000 per slice of a, none of the growth in b's slices between them.
        assertThat(ra.serverCpuNanos()).isEqualTo(1000L * turns.stream().filter("a"::equals).count());
        assertThat(rb.serverCpuNanos()).isZero();
    }

    @Test
    void single_worker_keeps_one_connection_and_still_completes_every_request() throws Exception {
        LoadGenerator.Result r = LoadGenerator.run(config("test-key", false, 1, 200));

        assertThat(r.completed()).isEqualTo(200);
        assertThat(r.errors()).isZero();
    }

    @Test
    void a_wrong_key_is_counted_as_errors_with_the_status_as_reason() throws Exception {
        LoadGenerator.Result r = LoadGenerator.run(config("wrong-key", false, 2, 100));

        assertThat(r.completed()).isEqualTo(100);
        assertThat(r.ok()).isZero();
        assertThat(r.errors()).isEqualTo(100);
        assertThat(r.errorReasons()).hasSize(1);
        assertThat(r.errorReasons().keySet().iterator().next()).startsWith("HTTP 401");
        assertThat(r.total().count()).isZero();
        assertThat(r.throughput()).isZero();
    }

    @Test
    void a_closed_port_is_counted_as_errors_not_thrown() throws Exception {
        int port = ChildProcess.freePort(); // nothing listens there
        LoadGenerator.Result r = LoadGenerator.run(LoadGenerator.Config.of("127.0.0.1", port, "k", false, 2, 0,
                20, Duration.ofSeconds(30)));

        assertThat(r.completed()).isEqualTo(20);
        assertThat(r.errors()).isEqualTo(20);
        assertThat(r.errorReasons().keySet()).allMatch(k -> k.startsWith("ConnectException"));
    }
}
