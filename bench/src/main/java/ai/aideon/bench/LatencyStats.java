package ai.aideon.bench;

import java.util.Arrays;

/** Exact percentiles over a set of nanosecond samples (sorted once; a cell holds at most a few ten thousand). */
final class LatencyStats {

    private final long[] sorted;

    private LatencyStats(long[] sorted) {
        this.sorted = sorted;
    }

    /** Merges the first {@code counts[i]} samples of each {@code samples[i]}. */
    static LatencyStats of(long[][] samples, int[] counts) {
        int total = 0;
        for (int c : counts) total += c;
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < samples.length; i++) {
            System.arraycopy(samples[i], 0, all, at, counts[i]);
            at += counts[i];
        }
        Arrays.sort(all);
        return new LatencyStats(all);
    }

    static LatencyStats of(long... nanos) {
        long[] copy = nanos.clone();
        Arrays.sort(copy);
        return new LatencyStats(copy);
    }

    int count() {
        return sorted.length;
    }

    /** Nearest-rank percentile in nanoseconds; 0 when there are no samples. */
    long percentileNanos(double p) {
        if (sorted.length == 0) return 0;
        if (p <= 0) return sorted[0];
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    double percentileMillis(double p) {
        return percentileNanos(p) / 1e6;
    }

    long maxNanos() {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    double meanMillis() {
        if (sorted.length == 0) return 0;
        double sum = 0;
        for (long v : sorted) sum += v;
        return sum / sorted.length / 1e6;
    }
}
