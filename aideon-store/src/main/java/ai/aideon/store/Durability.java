package ai.aideon.store;

import java.util.Locale;

/**
 * What a committed SQLite transaction (a ledger row, a lease) survives; config {@code store: {durability: …}}.
 * Both keep the WAL journal and "{@code append} returns only once the row is durable". A ledger row is durable once
 * it is in the ledger's own journal ({@link JournaledLedgerSink}): {@link #OS} writes it there (each caller its own
 * row: a copy into memory), {@link #FSYNC} also forces the write to disk (group commit shares each flush among the
 * rows waiting for it); the database's transactions follow the same choice.
 *
 * <ul>
 *   <li>{@link #OS} ({@code synchronous=NORMAL}): COMMIT returns once the transaction is in the WAL file, i.e. in
 *       the operating system's page cache. It survives a crash or {@code kill -9} of the gateway (the guarantee
 *       the design promises), and the OS writes it to disk within moments; a power cut or kernel panic can lose
 *       the last commits (never corrupting the database). The WAL is fsynced at checkpoints.</li>
 *   <li>{@link #FSYNC} ({@code synchronous=FULL}): every COMMIT also fsyncs the WAL, so a committed row survives
 *       power loss. Costs one fsync per group commit: on the hot path at low concurrency (a request waits for a
 *       whole flush), amortized across the batch under load.</li>
 * </ul>
 *
 * <p>The default is {@link #OS}: it is what "a delivered response keeps its row across a crash or kill -9" needs,
 * and the flush is not cheap even after the commit path was made lean. On the 2-core bench VM (bench/run, chat):
 * one request at a time had a p50 of 0.28 ms with {@code os} and 0.45 ms with {@code fsync} (0.21 ms without a
 * store), and at 16 concurrent requests {@code fsync} lost 22-47% of the throughput of the storeless gateway
 * against 4-33% (median 19%) for {@code os}; a cloud disk that throttles its IOPS makes each flush take
 * milliseconds. Choose {@code fsync} where losing the last moments of usage to a power cut is not acceptable.
 * PostgreSQL ignores this: its ledger commits always use {@code synchronous_commit = on}, whose WAL flush is
 * shared by concurrent commits anyway.
 */
public enum Durability {
    FSYNC("fsync"), OS("os");

    /** The choice when the config names none. */
    public static final Durability DEFAULT = OS;

    private final String wire;

    Durability(String wire) {
        this.wire = wire;
    }

    /** The config spelling: {@code fsync} or {@code os}. */
    public String wire() {
        return wire;
    }

    /** Parses the config spelling (case-insensitive); empty when it is neither. */
    public static java.util.Optional<Durability> parse(String text) {
        if (text == null) {
            return java.util.Optional.empty();
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (Durability d : values()) {
            if (d.wire.equals(t)) {
                return java.util.Optional.of(d);
            }
        }
        return java.util.Optional.empty();
    }
}
