package ai.aideon.store;

/** The two databases the store speaks. Their migrations differ; every query after migration is shared. */
enum Dialect {
    SQLITE("sqlite"), POSTGRESQL("postgresql");

    private final String wire;

    Dialect(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }

    /** Flyway location of this dialect's scripts. */
    String migrations() {
        return "classpath:db/migration/" + wire;
    }
}
