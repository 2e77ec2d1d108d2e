package ai.aideon.core.tier;

/** A key as created: {@code secret} is the full key, shown to the operator once and never stored. */
public record IssuedKey(KeyInfo info, String secret) {
    @Override
    public String toString() {
        return "IssuedKey[" + info + ", secret=****]";
    }
}
