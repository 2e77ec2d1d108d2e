package ai.aideon.providers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * An API key. It is revealed only where it must travel (the Authorization header); everything that might end up in
 * a log, an exception or a config dump sees {@code ****}.
 */
public final class Secret {
    private static final Secret ABSENT = new Secret(null);

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** A secret for a non-blank value; the absent secret for null or blank (local engines need no key). */
    public static Secret of(String value) {
        return value == null || value.isBlank() ? ABSENT : new Secret(value.strip());
    }

    public static Secret absent() {
        return ABSENT;
    }

    public boolean present() {
        return value != null;
    }

    /** The raw key, for the Authorization header only. */
    public String reveal() {
        if (value == null) {
            throw new IllegalStateException("no secret configured");
        }
        return value;
    }

    /** Value equality (so reloaded settings compare equal), compared in constant time. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Secret other)) {
            return false;
        }
        if (value == null || other.value == null) {
            return value == other.value;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value == null ? 0 : 1;
    }

    @Override
    public String toString() {
        return "****";
    }
}
