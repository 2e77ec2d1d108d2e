package ai.aideon.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResultTableTest {

    private static LoadGenerator.Result result(boolean stream, long... nanos) {
        LoadGenerator.Config cfg = LoadGenerator.Config.of("127.0.0.1", 1, "k", stream, 1, 0, 100,
                Duration.ofSeconds(1));
        return new LoadGenerator.Result(cfg, nanos.length, nanos.length, 0, Map.of(), 1.0,
                LatencyStats.of(nanos), stream ? LatencyStats.of(nanos) : LatencyStats.of(), 2_000L * nanos.length,
                -1, 0);
    }

    @Test
    void added_latency_is_relative_to_direct_in_the_same_mode_and_concurrency() {
        List<ResultTable.Row> rows = List.of(
                ResultTable.Row.measured("nginx", result(false, 1_200_000)),
                ResultTable.Row.measured("direct", result(false, 1_000_000)),
                ResultTable.Row.skipped("gateway", false, 1, "skipped (install x)"));

        String table = ResultTable.markdown(rows);
        String[] lines = table.split("\n");

        assertThat(lines[2]).startsWith("| direct | chat | 1 | 1 | 0 | 1 | 1.000 | 1.000 | – | – | – | – |");
        assertThat(lines[3]).startsWith("| gateway | chat | 1 | skipped (install x)");
        assertThat(lines[4])
                .isEqualTo("| nginx | chat | 1 | 1 | 0 | 1 | 1.200 | 1.200 | – | – | +0.200 | +0.200 | 2.0 |");
        assertThat(ResultTable.errors(rows)).isEmpty();
    }

    @Test
    void rounds_collapse_to_the_round_with_the_median_p50() {
        List<ResultTable.Row> rows = List.of(
                ResultTable.Row.measured("gateway", result(false, 3_000_000)),
                ResultTable.Row.measured("direct", result(false, 1_000_000)),
                ResultTable.Row.measured("gateway", result(false, 9_000_000)),
                ResultTable.Row.measured("gateway", result(false, 2_000_000)),
                ResultTable.Row.skipped("nginx", false, 1, "skipped (install nginx)"),
                ResultTable.Row.skipped("nginx", false, 1, "skipped (install nginx)"));

        List<ResultTable.Row> cells = ResultTable.medianRounds(rows);

        assertThat(cells).hasSize(3);
        assertThat(cells.get(0).result().total().percentileNanos(50)).as("gateway: median of 2, 3, 9 ms")
                .isEqualTo(3_000_000);
        assertThat(cells.get(1).target()).isEqualTo("direct");
        assertThat(cells.get(2).skipped()).isEqualTo("skipped (install nginx)");
    }

    @Test
    void metering_cost_pairs_gateway_with_bare_round_by_round_and_takes_the_medians() {
        // three rounds of chat c1: p50 +10%, +20%, -10%; CPU 2 µs/req both, so +0 added
        List<ResultTable.Row> rows = List.of(
                ResultTable.Row.measured("gateway", result(false, 1_100_000)),
                ResultTable.Row.measured("gateway-bare", result(false, 1_000_000)),
                ResultTable.Row.measured("direct", result(false, 500_000)),
                ResultTable.Row.measured("gateway", result(false, 2_400_000)),
                ResultTable.Row.measured("gateway-bare", result(false, 2_000_000)),
                ResultTable.Row.measured("gateway", result(false, 900_000)),
                ResultTable.Row.measured("gateway-bare", result(false, 1_000_000)));

        String[] lines = ResultTable.meteringCost(rows).split("\n");

        assertThat(lines).hasSize(3);
        assertThat(lines[2]).isEqualTo("| chat | 1 | 3 | +10.0% (-10.0% … +20.0%) | +0.0% | +0.0 |");
        assertThat(ResultTable.meteringCost(rows.subList(2, 3))).as("no gateway-bare: nothing to compare").isEmpty();
    }

    @Test
    void percentiles_are_nearest_rank() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) v[i] = (100 - i) * 1_000L;
        LatencyStats s = LatencyStats.of(v);

        assertThat(s.percentileNanos(50)).isEqualTo(50_000);
        assertThat(s.percentileNanos(99)).isEqualTo(99_000);
        assertThat(s.percentileNanos(100)).isEqualTo(100_000);
        assertThat(LatencyStats.of().percentileNanos(50)).isZero();
    }

    @Test
    void erroring_cells_are_listed_with_reasons() {
        LoadGenerator.Config cfg = LoadGenerator.Config.of("127.0.0.1", 1, "k", true, 16, 0, 100,
                Duration.ofSeconds(1));
        LoadGenerator.Result r = new LoadGenerator.Result(cfg, 10, 7, 3, Map.of("HTTP 502: bad gateway", 3L), 1.0,
                LatencyStats.of(1, 2, 3, 4, 5, 6, 7), LatencyStats.of(1, 2, 3, 4, 5, 6, 7), -1, -1, 0);

        assertThat(ResultTable.errors(List.of(ResultTable.Row.measured("gateway", r))))
                .isEqualTo("- gateway stream c16: 3 errors — 3× HTTP 502: bad gateway\n");
    }
}
