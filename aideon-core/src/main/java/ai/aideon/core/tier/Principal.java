package ai.aideon.core.tier;

import java.util.List;

/**
 * Who is calling, resolved from the client key: tenant, key, tier, and the effective limits (the tier's, with the
 * tenant's overrides applied). Rate limits of 0 mean unlimited.
 */
public record Principal(String tenantId, String tenantName, String keyId, String tier, List<Limit> limits,
                        long requestsPerMinute, long tokensPerMinute, boolean admin) {
    public Principal {
        limits = List.copyOf(limits);
    }
}
