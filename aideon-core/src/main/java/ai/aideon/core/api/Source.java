package ai.aideon.core.api;

import java.util.Locale;

/** Where an answer was computed: on the operator's own machines or at a cloud provider. */
public enum Source {
    LOCAL, CLOUD;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
