package ai.aideon.core.route;

import ai.aideon.core.api.Role;
import ai.aideon.core.catalog.ModelSpec;

/** A model the plan will try, in order, with the role it plays and why it is where it is. */
public record Candidate(ModelSpec model, Role role, String reason) {
}
