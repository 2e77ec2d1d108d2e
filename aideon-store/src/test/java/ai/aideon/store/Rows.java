package ai.aideon.store;

import ai.aideon.core.tier.Amounts;
import ai.aideon.core.tier.LeaseSpend;
import ai.aideon.core.tier.UsageLedger;
import ai.aideon.core.tier.UsageRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Usage rows for tests. */
final class Rows {

    private Rows() {
    }

    static UsageRow row(String requestId, String tenantId, Instant at, long costMicros, LeaseSpend... spends) {
        return row(requestId, tenantId, "free", "together", "meta-llama/Llama-3-8b", at, 100, 20, costMicros,
                spends);
    }

    static UsageRow row(String requestId, String tenantId, String tier, String provider, String model, Instant at,
                        long prompt, long completion, long costMicros, LeaseSpend... spends) {
        return new UsageRow(requestId, tenantId, "key" + tenantId, tier, "aideon/text", provider, model, "cloud", 1,
                prompt, completion, new Amounts(1, prompt + completion, 0, 0, costMicros), 42, 200, null, at,
                List.of(spends), null);
    }

    static UsageRow media(String requestId, String tenantId, String provider, Instant at, long images,
                          long audioSeconds, long costMicros) {
        return new UsageRow(requestId, tenantId, "key" + tenantId, "premium", "aideon/image", provider, "sdxl",
                "cloud", 1, 0, 0, new Amounts(1, 0, images, audioSeconds, costMicros), 900, 200, null, at,
                List.of(), null);
    }

    /**
     * Appends rows {@code req-0} … {@code req-<callers-1>} of tenant {@code ten_a}, one per virtual thread, all
     * released at once, and waits for every append to return.
     */
    static void appendConcurrently(UsageLedger ledger, int callers, Instant at, long costMicros) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String id = "req-" + i;
                done.add(pool.submit(() -> {
                    start.await();
                    ledger.append(row(id, "ten_a", at, costMicros));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }
}
