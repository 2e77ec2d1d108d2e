package ai.aideon.client;

import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ClientKey;
import ai.aideon.client.config.ProviderConfig;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.catalog.Catalog;
import ai.aideon.core.provider.ChatProvider;
import ai.aideon.core.route.AllAttemptsFailedException;
import ai.aideon.core.route.ChatExecutor;
import ai.aideon.core.route.ChatOutcome;
import ai.aideon.core.route.HealthRegistry;
import ai.aideon.core.route.HeuristicQualityGate;
import ai.aideon.core.route.RouteContext;
import ai.aideon.core.route.RoutePlan;
import ai.aideon.core.route.Router;
import ai.aideon.core.route.RoutingException;
import ai.aideon.core.route.Sleeper;
import ai.aideon.core.route.StreamOutcome;
import ai.aideon.providers.ProviderFactory;
import ai.aideon.providers.simulator.SimulatorProvider;

import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The request path without HTTP: catalog → router → executor → providers. The HTTP server and the embeddable
 * {@link AideonClient} both sit on one engine, so they route identically.
 */
public final class AideonEngine implements AutoCloseable {
    private final AideonConfig config;
    private final AtomicReference<Catalog> catalog;
    private final Map<String, ChatProvider> providers;
    private final Map<String, SimulatorProvider> simulators;
    private final Map<String, ClientKey> clientsByKey;
    private final HealthRegistry health;
    private final Router router;
    private final ChatExecutor executor;

    private AideonEngine(AideonConfig config, Clock clock, Sleeper sleeper) {
        this.config = config;
        this.catalog = new AtomicReference<>(config.catalog());
        Map<String, ChatProvider> p = new LinkedHashMap<>();
        Map<String, SimulatorProvider> sims = new LinkedHashMap<>();
        for (ProviderConfig pc : config.providers().values()) {
            if (!pc.enabled()) {
                continue;
            }
            if ("simulator".equals(pc.settings().type())) {
                SimulatorProvider sim = new SimulatorProvider(pc.simulator(), sleeper::sleep);
                sims.put(pc.name(), sim);
                p.put(pc.name(), sim);
            } else {
                p.put(pc.name(), ProviderFactory.create(pc.settings()));
            }
        }
        this.providers = Collections.unmodifiableMap(p);
        this.simulators = Collections.unmodifiableMap(sims);
        Map<String, ClientKey> keys = new LinkedHashMap<>();
        for (ClientKey k : config.clients()) {
            keys.put(k.key(), k);
        }
        this.clientsByKey = Collections.unmodifiableMap(keys);
        this.health = new HealthRegistry(clock);
        this.router = new Router(catalog::get, health, config.router());
        this.executor = new ChatExecutor(providers::get, health, config.executor(), sleeper,
                new SplittableRandom(), new HeuristicQualityGate());
    }

    public static AideonEngine start(AideonConfig config) {
        return new AideonEngine(config, Clock.systemUTC(), Sleeper.system());
    }

    /** For tests: injected time and sleeping. */
    public static AideonEngine start(AideonConfig config, Clock clock, Sleeper sleeper) {
        return new AideonEngine(config, clock, sleeper);
    }

    public AideonConfig config() {
        return config;
    }

    public Catalog catalog() {
        return catalog.get();
    }

    public HealthRegistry health() {
        return health;
    }

    /** The client a bearer key belongs to. */
    public Optional<ClientKey> authenticate(String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(clientsByKey.get(key));
    }

    /** Names of configured providers that are switched off, with why (e.g. no API key). */
    public Map<String, String> disabledProviders() {
        Map<String, String> out = new LinkedHashMap<>();
        config.providers().values().stream().filter(pc -> !pc.enabled())
                .forEach(pc -> out.put(pc.name(), pc.disabledReason()));
        return out;
    }

    /** The simulated engines (demo mode), by provider name: they can be switched off to show fallbacks. */
    public Map<String, SimulatorProvider> simulators() {
        return simulators;
    }

    public RoutePlan plan(ChatRequest request, RouteContext context) throws RoutingException {
        return router.plan(request, context);
    }

    public ChatOutcome chat(ChatRequest request, RoutePlan plan) throws AllAttemptsFailedException {
        return executor.execute(request, plan);
    }

    public StreamOutcome stream(ChatRequest request, RoutePlan plan) throws AllAttemptsFailedException {
        return executor.openStream(request, plan);
    }

    @Override
    public void close() {
        for (ChatProvider p : providers.values()) {
            if (p instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing connection pools on shutdown; nothing useful to do on failure
                }
            }
        }
    }
}
