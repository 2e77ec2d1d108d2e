package ai.aideon.client.config;

/**
 * A client key from the config file (demo keys, keys from the environment). Keys created with
 * {@code aideon keys create} live in the store instead. {@code tenant} defaults to the key's name; {@code tier} is
 * null for the operator's admin key. {@code toString} never shows the key.
 */
public record ClientKey(String name, String key, String tier, String tenant, boolean admin) {
    public ClientKey(String name, String key, String tier) {
        this(name, key, tier, name, false);
    }

    @Override
    public String toString() {
        return "ClientKey[name=" + name + ", tenant=" + tenant + ", tier=" + tier + ", admin=" + admin
                + ", key=****]";
    }
}
