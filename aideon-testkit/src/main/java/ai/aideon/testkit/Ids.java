package ai.aideon.testkit;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cheap unique ids for responses, tool calls and request-id headers: a random per-server prefix plus a counter,
 * instead of UUIDs, to keep per-request work small in the benchmark.
 */
final class Ids {

    private final String prefix = hex(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFFFFFL, 12);
    private final AtomicLong counter = new AtomicLong();

    /** 24 lower-case hex characters, unique within this server. */
    String next() {
        return prefix + hex(counter.incrementAndGet(), 12);
    }

    static String hex(long value, int width) {
        String s = Long.toHexString(value);
        if (s.length() >= width) return s.substring(s.length() - width);
        return "0".repeat(width - s.length()) + s;
    }
}
