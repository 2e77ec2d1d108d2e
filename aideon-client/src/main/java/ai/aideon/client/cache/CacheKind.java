package ai.aideon.client.cache;

/** Which cache answered. */
public enum CacheKind {
    EXACT("exact"), SEMANTIC("semantic");

    private final String wire;

    CacheKind(String wire) {
        this.wire = wire;
    }

    /** For {@code x-aideon-cache-kind}. */
    public String wire() {
        return wire;
    }

    /** For {@code x-aideon-route} and the ledger's route column: {@code cache:exact} or {@code cache:semantic}. */
    public String route() {
        return "cache:" + wire;
    }
}
