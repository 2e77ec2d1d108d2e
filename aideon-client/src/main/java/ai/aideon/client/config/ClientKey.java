package ai.aideon.client.config;

/** A client API key and the tier it grants. {@code toString} never shows the key. */
public record ClientKey(String name, String key, String tier) {
    @Override
    public String toString() {
        return "ClientKey[name=" + name + ", tier=" + tier + ", key=****]";
    }
}
