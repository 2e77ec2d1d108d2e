package ai.aideon.store;

import ai.aideon.core.tier.UsageLedger.LedgerUnavailableException;
import java.io.PrintStream;
import java.time.Clock;

/**
 * Run by {@link LedgerKillTest} in a JVM of its own: appends rows from several threads forever and prints
 * {@code ok <requestId>} after each append returns, i.e. at the moment a gateway would release a response.
 */
public final class LedgerKillChild {

    private LedgerKillChild() {
    }

    public static void main(String[] args) throws Exception {
        Store store = Store.open(args[0], Clock.systemUTC());
        PrintStream out = System.out;
        out.println("ready");
        out.flush();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            Thread.ofPlatform().start(() -> {
                for (int i = 0; ; i++) {
                    String id = "kill-" + thread + "-" + i;
                    try {
                        store.ledger().append(Rows.row(id, "ten_a", java.time.Instant.now(), 1));
                    } catch (LedgerUnavailableException e) {
                        return;
                    }
                    synchronized (out) {
                        out.println("ok " + id);
                        out.flush();
                    }
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE); // until SIGKILL
    }
}
