package ai.aideon.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats benchmark cells as one Markdown table (readable as plain text too) plus the errors of any cell. */
final class ResultTable {

    static final String DIRECT = "direct";
    static final List<String> TARGET_ORDER = List.of(DIRECT, "gateway", "gateway-bare", "nginx");

    /** One cell: a target measured in one mode at one concurrency, or skipped with a reason. */
    record Row(String target, boolean stream, int concurrency, LoadGenerator.Result result, String skipped) {
        static Row measured(String target, LoadGenerator.Result r) {
            return new Row(target, r.config().stream(), r.config().concurrency(), r, null);
        }

        static Row skipped(String target, boolean stream, int concurrency, String reason) {
            return new Row(target, stream, concurrency, null, reason);
        }

        String mode() {
            return stream ? "stream" : "chat";
        }

        String label() {
            return target + " " + mode() + " c" + concurrency;
        }
    }

    private ResultTable() {
    }

    static String markdown(List<Row> rows) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(Row::stream)
                .thenComparingInt(Row::concurrency)
                .thenComparingInt(r -> targetRank(r.target())));
        StringBuilder sb = new StringBuilder();
        sb.append("| target | mode | conc | requests | errors | req/s | p50 ms | p99 ms | TTFB p50 ms | TTFB p99 ms "
                + "| added p50 ms | added p99 ms | server CPU µs/req |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : sorted) {
            sb.append("| ").append(row.target()).append(" | ").append(row.mode()).append(" | ")
                    .append(row.concurrency()).append(" | ");
            if (row.result() == null) {
                sb.append(row.skipped()).append(" | | | | | | | | | |\n");
                continue;
            }
            LoadGenerator.Result r = row.result();
            sb.append(r.completed()).append(" | ")
                    .append(r.errors()).append(" | ")
                    .append(fmt0(r.throughput())).append(" | ")
                    .append(ms(r.total().percentileNanos(50))).append(" | ")
                    .append(ms(r.total().percentileNanos(99))).append(" | ");
            if (row.stream()) {
                sb.append(ms(r.ttfb().percentileNanos(50))).append(" | ")
                        .append(ms(r.ttfb().percentileNanos(99))).append(" | ");
            } else {
                sb.append("– | – | ");
            }
            Row direct = baseline(rows, row);
            if (direct == null || DIRECT.equals(row.target()) || r.ok() == 0 || direct.result().ok() == 0) {
                sb.append("– | – | ");
            } else {
                LoadGenerator.Result d = direct.result();
                sb.append(signedMs(r.total().percentileNanos(50) - d.total().percentileNanos(50))).append(" | ")
                        .append(signedMs(r.total().percentileNanos(99) - d.total().percentileNanos(99))).append(" | ");
            }
            sb.append(cpu(r)).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * One row per cell: where a cell was measured in several rounds, the round whose p50 is the median (the lower
     * median for an even count), so every number in the row comes from the same measurement. Skipped rounds count
     * only when the cell was never measured.
     */
    static List<Row> medianRounds(List<Row> rows) {
        Map<String, List<Row>> byCell = new java.util.LinkedHashMap<>();
        for (Row r : rows) {
            byCell.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
        }
        List<Row> out = new ArrayList<>();
        for (List<Row> cell : byCell.values()) {
            List<Row> measured = new ArrayList<>(cell.stream().filter(r -> r.result() != null).toList());
            if (measured.isEmpty()) {
                out.add(cell.get(0));
                continue;
            }
            measured.sort(Comparator.comparingLong(r -> r.result().total().percentileNanos(50)));
            out.add(measured.get((measured.size() - 1) / 2));
        }
        return out;
    }

    /**
     * What the money path costs, cell by cell: {@code gateway} (auth, quotas, budget, ledger) against
     * {@code gateway-bare} (store: none) measured in alternating slices in the same round, as the median over rounds
     * of each round's relative change (p50 latency, req/s) and of the added server CPU per request, with the p50
     * changes' range to show how much the machine moved between rounds. Empty when no round measured both.
     */
    static String meteringCost(List<Row> rows) {
        // The k-th gateway row of a cell pairs with the k-th gateway-bare row of that cell: the same round.
        Map<String, List<Row>> metered = new java.util.LinkedHashMap<>();
        Map<String, List<Row>> bare = new java.util.HashMap<>();
        for (Row r : rows) {
            String cell = r.mode() + " " + r.concurrency();
            if ("gateway".equals(r.target())) metered.computeIfAbsent(cell, k -> new ArrayList<>()).add(r);
            if ("gateway-bare".equals(r.target())) bare.computeIfAbsent(cell, k -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<Row>> e : metered.entrySet()) {
            List<Row> with = e.getValue();
            List<Row> without = bare.getOrDefault(e.getKey(), List.of());
            List<Double> p50 = new ArrayList<>();
            List<Double> rate = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            for (int i = 0; i < Math.min(with.size(), without.size()); i++) {
                LoadGenerator.Result m = with.get(i).result();
                LoadGenerator.Result b = without.get(i).result();
                if (m == null || b == null || m.ok() == 0 || b.ok() == 0) continue;
                p50.add(100.0 * m.total().percentileNanos(50) / b.total().percentileNanos(50) - 100);
                rate.add(100.0 * m.throughput() / b.throughput() - 100);
                if (m.serverCpuNanos() >= 0 && b.serverCpuNanos() >= 0) {
                    cpu.add(m.serverCpuMicrosPerRequest() - b.serverCpuMicrosPerRequest());
                }
            }
            if (p50.isEmpty()) continue;
            Row first = with.get(0);
            sb.append("| ").append(first.mode()).append(" | ").append(first.concurrency()).append(" | ")
                    .append(p50.size()).append(" | ")
                    .append(pct(median(p50))).append(" (").append(pct(java.util.Collections.min(p50))).append(" … ")
                    .append(pct(java.util.Collections.max(p50))).append(") | ")
                    .append(pct(median(rate))).append(" | ")
                    .append(cpu.isEmpty() ? "–" : String.format(Locale.ROOT, "%+.1f", median(cpu))).append(" |\n");
        }
        if (sb.isEmpty()) return "";
        return "| mode | conc | rounds | p50 change, median (range) | req/s change, median | server CPU µs/req added, "
                + "median |\n|---|---:|---:|---:|---:|---:|\n" + sb;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%+.1f%%", v);
    }

    /** One line per erroring cell with its most frequent reasons; empty when no cell had errors. */
    static String errors(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        for (Row row : rows) {
            if (row.result() == null || row.result().errors() == 0) continue;
            sb.append("- ").append(row.label()).append(": ").append(row.result().errors()).append(" errors");
            int shown = 0;
            for (Map.Entry<String, Long> e : row.result().errorReasons().entrySet()) {
                if (shown++ == 5) {
                    sb.append("; …");
                    break;
                }
                sb.append(shown == 1 ? " — " : "; ").append(e.getValue()).append("× ").append(clip(e.getKey()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static Row baseline(List<Row> rows, Row row) {
        for (Row r : rows) {
            if (DIRECT.equals(r.target()) && r.stream() == row.stream() && r.concurrency() == row.concurrency()
                    && r.result() != null) {
                return r;
            }
        }
        return null;
    }

    private static int targetRank(String target) {
        int i = TARGET_ORDER.indexOf(target);
        return i < 0 ? TARGET_ORDER.size() : i;
    }

    private static String clip(String s) {
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    static String signedMs(long nanos) {
        return String.format(Locale.ROOT, "%+.3f", nanos / 1e6);
    }

    /** The server's CPU µs per request with one decimal, or – when it was not measured. */
    static String cpu(LoadGenerator.Result r) {
        double us = r.serverCpuMicrosPerRequest();
        return us < 0 ? "–" : String.format(Locale.ROOT, "%.1f", us);
    }

    static String fmt0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
