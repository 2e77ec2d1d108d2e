package ai.aideon.client.config;

import ai.aideon.store.Durability;
import java.util.Objects;

/**
 * Where usage, keys and allowances live: {@code sqlite:<file>} (the embedded default) or
 * {@code postgres://user:pass@host:port/db} for several instances. {@code toString} hides credentials.
 *
 * @param instanceId names this gateway instance on its leases (default: host name + process id)
 * @param upgradeUrl where refusals point users who need a bigger tier (may be null)
 * @param adminKey   an operator key from config (e.g. ${AIDEON_ADMIN_KEY}); null when none
 * @param durability what a committed SQLite row survives ({@code store: {durability: os|fsync}}; see
 *                   {@link Durability}); PostgreSQL ignores it
 */
public record StoreConfig(String location, String instanceId, String upgradeUrl, String adminKey,
                          Durability durability) {
    public StoreConfig {
        Objects.requireNonNull(durability, "durability");
    }

    /** With the default durability. */
    public StoreConfig(String location, String instanceId, String upgradeUrl, String adminKey) {
        this(location, instanceId, upgradeUrl, adminKey, Durability.DEFAULT);
    }

    @Override
    public String toString() {
        return "StoreConfig[location=" + redacted(location) + ", instanceId=" + instanceId + ", upgradeUrl="
                + upgradeUrl + ", adminKey=" + (adminKey == null ? "none" : "****") + ", durability="
                + durability.wire() + "]";
    }

    /** The location with any password removed, for logs and {@code config check}. */
    public static String redacted(String location) {
        return location == null ? null : location.replaceAll("://([^:/@]+):[^@/]*@", "://$1:****@");
    }
}
