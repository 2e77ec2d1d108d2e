package ai.aideon.client;

import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ClientKey;
import ai.aideon.client.config.ProviderConfig;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.Secret;
import ai.aideon.providers.simulator.SimulatorSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Demo mode: every provider of the config is replaced by a simulator with the same name and source, so the
 * real catalog, routes and fallbacks run with no keys and no network. The demo keys are stable on purpose:
 * READMEs and tutorials can use them.
 */
public final class DemoMode {
    public static final String PREMIUM_KEY = "sk-aideon-demo-premium";
    public static final String FREE_KEY = "sk-aideon-demo-free";
    public static final String ADMIN_KEY = "sk-aideon-demo-admin";
    public static final long SEED = 42;

    private DemoMode() {
    }

    /** In-process engines (simulators, the ONNX model, speech CLIs) have no network address; this names them. */
    public static java.net.URI inProcessUri(String providerName) {
        return java.net.URI.create("simulator://" + providerName);
    }

    /** A ledger in a fresh temp directory: demos and tests start from zero and share nothing. */
    public static ai.aideon.client.config.StoreConfig temporaryStore(AideonConfig config) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("aideon-demo");
            dir.toFile().deleteOnExit();
            return new ai.aideon.client.config.StoreConfig("sqlite:" + dir.resolve("aideon.db"),
                    config.store().instanceId(), config.store().upgradeUrl(), ADMIN_KEY);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static AideonConfig apply(AideonConfig base) {
        return apply(base, Duration.ofMillis(120), Duration.ofMillis(15));
    }

    /** Demo config with the given simulated latencies (tests use zero). */
    public static AideonConfig apply(AideonConfig base, Duration firstToken, Duration perToken) {
        Map<String, ProviderConfig> simulated = new LinkedHashMap<>();
        for (ProviderConfig pc : base.providers().values()) {
            ProviderSettings s = pc.settings();
            if (!"simulator".equals(s.type()) && ai.aideon.client.config.ConfigLoader.IN_PROCESS_TYPES.contains(s.type())) {
                simulated.put(s.name(), pc); // a real local engine that needs no network stays real
                continue;
            }
            SimulatorSettings sim = pc.simulator() != null ? pc.simulator()
                    : new SimulatorSettings(s.name(), SEED, firstToken, perToken, Map.of());
            ProviderSettings simSettings = new ProviderSettings(s.name(), "simulator", s.source(), inProcessUri(s.name()),
                    Secret.of(null), s.connectTimeout(), Map.of());
            simulated.put(s.name(), new ProviderConfig(simSettings, sim, true, null));
        }
        List<ClientKey> clients = new ArrayList<>(base.clients());
        clients.add(new ClientKey("demo-premium", PREMIUM_KEY, "premium"));
        clients.add(new ClientKey("demo-free", FREE_KEY, "free"));
        return base.withProviders(simulated).withClients(clients);
    }
}
