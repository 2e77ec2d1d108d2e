package ai.aideon.client.config;

import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.simulator.SimulatorSettings;

/**
 * One configured provider instance. {@code simulator} is set for {@code type: simulator}, and for a real provider
 * with a {@code simulator:} block (how its stand-in behaves in demo mode); a provider whose
 * key reference resolved to nothing is {@code enabled = false} (its models stay in the catalog but are skipped).
 */
public record ProviderConfig(ProviderSettings settings, SimulatorSettings simulator, boolean enabled,
                             String disabledReason) {
    public String name() {
        return settings.name();
    }
}
