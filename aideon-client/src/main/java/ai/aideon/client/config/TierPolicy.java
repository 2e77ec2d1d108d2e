package ai.aideon.client.config;

import ai.aideon.core.tier.Limit;

import java.util.List;
import java.util.Set;

/**
 * A tier from {@code tiers:} in aideon.yaml: which routes it may use (empty = every route whose plans name the
 * tier), its rate limits (0 = unlimited), its quotas and budget as {@link Limit}s, and where to send a user who
 * hits them.
 */
public record TierPolicy(String name, Set<String> routes, long requestsPerMinute, long tokensPerMinute,
                         List<Limit> limits, String upgradeTo) {
    public TierPolicy {
        routes = Set.copyOf(routes);
        limits = List.copyOf(limits);
    }

    /** A tier nobody configured limits for: the catalog still decides which models it may use. */
    public static TierPolicy unlimited(String name) {
        return new TierPolicy(name, Set.of(), 0, 0, List.of(), null);
    }

    public boolean allowsRoute(String alias) {
        return routes.isEmpty() || routes.contains(alias);
    }
}
