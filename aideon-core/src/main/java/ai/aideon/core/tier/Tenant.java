package ai.aideon.core.tier;

import java.time.Instant;
import java.util.List;

/**
 * A customer of the gateway's operator. {@code overrides} replace the tier's limits of the same meter and period;
 * null rate limits mean "the tier's".
 */
public record Tenant(String id, String name, String tier, List<Limit> overrides, Long requestsPerMinute,
                     Long tokensPerMinute, Instant createdAt) {
    public Tenant {
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }
}
