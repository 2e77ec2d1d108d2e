package ai.aideon.core.api;

/** Where an answer was computed: on the operator's own machines or at a cloud provider. */
public enum Source {
    LOCAL("local"), CLOUD("cloud");

    private final String wire;

    Source(String wire) {
        this.wire = wire;
    }

    /** The lower-case name used in headers, config and the ledger (asked on every request: not recomputed). */
    public String wire() {
        return wire;
    }
}
