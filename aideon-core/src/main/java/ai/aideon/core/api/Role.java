package ai.aideon.core.api;

import java.util.Locale;
import java.util.Optional;

/**
 * Roles from the integration plan. A request may ask for one (header {@code x-aideon-role} or metadata
 * {@code aideon_role}); catalog route entries carry one. The router uses it to reorder the plan.
 */
public enum Role {
    PRIMARY, FALLBACK, CRITICAL, COMPLEX, QUICK, QUALITY, SPECIALIZED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a role name case-insensitively; empty for null/blank, empty for unknown names too. */
    public static Optional<Role> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(value.trim())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
