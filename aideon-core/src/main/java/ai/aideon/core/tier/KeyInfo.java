package ai.aideon.core.tier;

import java.time.Instant;

/** What the store knows about a client key: never the key itself, only an id and a display prefix. */
public record KeyInfo(String keyId, String tenantId, String name, String displayPrefix, boolean admin,
                      Instant createdAt, Instant revokedAt) {
    public boolean active() {
        return revokedAt == null;
    }
}
