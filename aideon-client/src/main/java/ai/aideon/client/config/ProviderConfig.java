package ai.aideon.client.config;

import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.simulator.SimulatorSettings;

/**
 * One configured provider instance. {@code simulator} is set for {@code type: simulator}, and for a real provider
 * with a {@code simulator:} block (how its stand-in behaves in demo mode); a provider whose
 * key reference resolved to nothing is {@code enabled = false} (its models stay in the catalog but are skipped).
 * {@code engine} says how a local engine (ollama, llamacpp, vllm, whisper-cpp) is probed and discovered; null for
 * every other type.
 */
public record ProviderConfig(ProviderSettings settings, SimulatorSettings simulator, boolean enabled,
                             String disabledReason, LocalEngineConfig engine) {

    public ProviderConfig(ProviderSettings settings, SimulatorSettings simulator, boolean enabled,
                          String disabledReason) {
        this(settings, simulator, enabled, disabledReason, null);
    }

    public String name() {
        return settings.name();
    }

    /** True when this provider's models are discovered at run time (its id namespace is {@code <name>/}). */
    public boolean discovers() {
        return engine != null && engine.discover();
    }
}
