package ai.aideon.client.config;

/**
 * Where usage, keys and allowances live: {@code sqlite:<file>} (the embedded default) or
 * {@code postgres://user:pass@host:port/db} for several instances. {@code toString} hides credentials.
 *
 * @param instanceId names this gateway instance on its leases (default: host name + process id)
 * @param upgradeUrl where refusals point users who need a bigger tier (may be null)
 * @param adminKey   an operator key from config (e.g. ${AIDEON_ADMIN_KEY}); null when none
 */
public record StoreConfig(String location, String instanceId, String upgradeUrl, String adminKey) {
    @Override
    public String toString() {
        return "StoreConfig[location=" + redacted(location) + ", instanceId=" + instanceId + ", upgradeUrl="
                + upgradeUrl + ", adminKey=" + (adminKey == null ? "none" : "****") + "]";
    }

    /** The location with any password removed, for logs and {@code config check}. */
    public static String redacted(String location) {
        return location == null ? null : location.replaceAll("://([^:/@]+):[^@/]*@", "://$1:****@");
    }
}
