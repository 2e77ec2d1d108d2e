package ai.aideon.core.cache;

import ai.aideon.core.api.Role;

import java.util.Objects;

/**
 * Everything outside the request body that changes which answer a request gets: whose cache it is, and how the
 * request is routed (the tier picks the plan, the role reorders it, local-only restricts it to local engines).
 *
 * <p>The tier is part of the scope because one alias maps to different models per tier: a tenant upgraded from free
 * to premium must not keep getting the free tier's answers. {@code localOnly} is part of it so that a request that
 * must stay on local engines only ever gets an answer a local engine computed.
 *
 * @param tenantId  the isolation boundary: one tenant never sees another tenant's entries
 * @param role      the role in effect for the plan (never null; the router's default is PRIMARY)
 */
public record CacheScope(String tenantId, String tier, Role role, boolean localOnly) {
    public CacheScope {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(role, "role");
    }
}
