package ai.aideon.client.config;

import java.time.Duration;
import java.util.Set;

/**
 * How the gateway watches one local engine (type ollama, llamacpp, vllm or whisper-cpp).
 *
 * @param discover         ask the engine for its models at startup, every {@code discoverInterval}, and on reload;
 *                         they join the catalog as {@code <provider>/<model>} (default true where the engine has a
 *                         model list; whisper.cpp has none)
 * @param probeInterval    how often its health endpoint is asked (default 10 s)
 * @param discoverInterval how often its model list is read again (default 30 s)
 * @param discoverTiers    tiers that may use discovered models; empty means every tier the config defines (local
 *                         models cost nothing per token)
 */
public record LocalEngineConfig(boolean discover, Duration probeInterval, Duration discoverInterval,
                                Set<String> discoverTiers) {
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DISCOVER_INTERVAL = Duration.ofSeconds(30);

    public LocalEngineConfig {
        discoverTiers = Set.copyOf(discoverTiers);
    }
}
