package ai.aideon.core.catalog;

import ai.aideon.core.api.Role;

/** One step of a route's plan for a tier: a model and the role it plays there. */
public record RouteEntry(String modelId, Role role) {
}
