package ai.aideon.core.route;

import ai.aideon.core.api.Role;

/**
 * Who is asking and how: the caller's tier, the role they asked for (null = none), and whether the answer must
 * stay on local engines ({@code x-aideon-privacy: local_only} or offline mode).
 */
public record RouteContext(String tier, Role role, boolean localOnly) {
    public static RouteContext of(String tier) {
        return new RouteContext(tier, null, false);
    }
}
