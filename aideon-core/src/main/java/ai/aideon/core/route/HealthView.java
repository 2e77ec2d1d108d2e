package ai.aideon.core.route;

import ai.aideon.core.catalog.ModelSpec;

/**
 * What the router needs to know about provider health, without the power to change it. {@link HealthRegistry} is
 * the real implementation; the read-only view keeps {@link Router#plan} free of side effects (asking must never
 * consume a half-open breaker's trial call).
 */
public interface HealthView {

    /** False while the model's breaker is open and its wait has not yet elapsed. */
    boolean isAvailable(ModelSpec m);

    /** Breaker state for explanations: {@code closed}, {@code open}, {@code half_open} … */
    String state(ModelSpec m);

    /**
     * Why the model's engine cannot take requests right now, as a skip reason ({@code engine down: connection
     * refused}), or null when nothing is known against it. Only local engines are probed; a model whose engine
     * was never probed is assumed to be serving, so one slow probe never blocks routing.
     */
    default String engineUnavailable(ModelSpec m) {
        return null;
    }

    /** Every model healthy: for tests and for setups without breakers. */
    static HealthView alwaysAvailable() {
        return AlwaysAvailable.INSTANCE;
    }
}

/** Stateless view used by {@link HealthView#alwaysAvailable()}. */
enum AlwaysAvailable implements HealthView {
    INSTANCE;

    @Override
    public boolean isAvailable(ModelSpec m) {
        return true;
    }

    @Override
    public String state(ModelSpec m) {
        return "closed";
    }
}
