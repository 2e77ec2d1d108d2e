package ai.aideon.client;

import ai.aideon.client.config.LocalEngineConfig;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.route.EngineHealth;
import ai.aideon.core.route.EngineState;
import ai.aideon.core.route.HealthRegistry;
import ai.aideon.providers.engine.DiscoveredModel;
import ai.aideon.providers.engine.LocalEngine;
import ai.aideon.providers.engine.ProbeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the local engines, in the style of {@code CloudReachability} but asking each engine's own health endpoint:
 * every probe result goes to the {@link HealthRegistry}, so the router skips a down or loading engine before any
 * request is spent on it and takes it back after the first good probe. Engines that list their models are asked for
 * them at start, at their discovery interval, on reload, and as soon as a probe finds a silent engine up again.
 *
 * <p>A failed listing keeps the models last seen (one timeout must not empty the catalog); a successful one that
 * differs replaces them and tells the engine to rebuild its catalog. Time comes from the injected clock and work runs
 * on the injected {@link Scheduler}, so tests drive probes directly.
 */
final class LocalEngineMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalEngineMonitor.class);

    /** One engine and how it is to be watched. */
    record Watched(LocalEngine engine, LocalEngineConfig config) {
        String name() {
            return engine.name();
        }
    }

    /** The last good listing (null before the first) and the last failure (null when the last attempt worked). */
    private record Listing(List<DiscoveredModel> models, Instant at, String error) {
    }

    private final List<Watched> engines;
    private final HealthRegistry health;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Runnable onModelsChanged;
    private final Map<String, Listing> listings = new ConcurrentHashMap<>();

    LocalEngineMonitor(List<Watched> engines, HealthRegistry health, Clock clock, Scheduler scheduler,
                       Runnable onModelsChanged) {
        // By name: the config's provider map has no order, and health output should not shuffle between runs.
        this.engines = engines.stream().sorted(java.util.Comparator.comparing(Watched::name)).toList();
        this.health = health;
        this.clock = clock;
        this.scheduler = scheduler;
        this.onModelsChanged = onModelsChanged;
    }

    /** Probes (and discovers) every engine once, then hands the repeating work to the scheduler. */
    void start() {
        refreshAll();
        for (Watched w : engines) {
            scheduler.every("aideon-probe-" + w.name(), w.config().probeInterval(), () -> probe(w));
            if (w.config().discover()) {
                scheduler.every("aideon-discover-" + w.name(), w.config().discoverInterval(), () -> discover(w));
            }
        }
    }

    /**
     * Probes every engine and reads the model lists of those that are up, all engines in parallel; returns when all
     * are done (each probe is bounded by its timeout). Used at start, on reload, and by tests.
     */
    void refreshAll() {
        List<Thread> threads = new ArrayList<>();
        for (Watched w : engines) {
            threads.add(Thread.ofVirtual().name("aideon-refresh-" + w.name()).start(() -> {
                probe(w);
                if (w.config().discover()) {
                    discover(w);
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void probe(Watched w) {
        ProbeResult r;
        try {
            r = w.engine().probe();
        } catch (RuntimeException e) {
            r = new ProbeResult(EngineState.DOWN, "probe failed: " + e.getClass().getSimpleName());
        }
        EngineHealth before = health.reportEngine(w.name(), r.state(), r.detail());
        EngineState was = before == null ? null : before.state();
        if (was != r.state()) {
            if (r.state() == EngineState.UP) {
                LOG.info("local engine '{}' is up{}", w.name(), r.detail() == null ? "" : " (" + r.detail() + ")");
            } else {
                LOG.warn("local engine '{}' is {}: {}; routing around it", w.name(), r.state().wire(), r.detail());
            }
        }
        // An engine that was not up when we last tried to list its models: list them now rather than at the next
        // discovery interval, so its models are routable as soon as it is.
        if (was != null && was != EngineState.UP && r.state() == EngineState.UP && w.config().discover()) {
            discover(w);
        }
    }

    void discover(Watched w) {
        EngineHealth h = health.engine(w.name());
        if (h != null && !h.up()) {
            return; // a down or loading engine cannot list; keep what we knew
        }
        Listing old = listings.get(w.name());
        try {
            List<DiscoveredModel> models = w.engine().discover();
            listings.put(w.name(), new Listing(models, clock.instant(), null));
            if (old == null || !Objects.equals(old.models(), models)) {
                LOG.info("local engine '{}' lists {} model(s): {}", w.name(), models.size(),
                        models.stream().map(DiscoveredModel::upstreamId).toList());
                onModelsChanged.run();
            }
        } catch (ProviderException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (old == null || !Objects.equals(old.error(), why)) {
                LOG.warn("cannot read the model list of local engine '{}': {}; keeping what it listed before",
                        w.name(), why);
            }
            listings.put(w.name(), new Listing(old == null ? null : old.models(), old == null ? null : old.at(),
                    why));
        }
    }

    /** The latest good listing per discovering engine (engines never listed are absent). */
    Map<String, List<DiscoveredModel>> discovered() {
        Map<String, List<DiscoveredModel>> out = new LinkedHashMap<>();
        for (Watched w : engines) {
            Listing l = listings.get(w.name());
            if (l != null && l.models() != null) {
                out.put(w.name(), l.models());
            }
        }
        return out;
    }

    List<Watched> engines() {
        return engines;
    }

    /** Status per engine; {@code catalogIds} gives each engine's discovered catalog ids. */
    List<LocalEngineStatus> statuses(Map<String, List<String>> catalogIds) {
        List<LocalEngineStatus> out = new ArrayList<>();
        for (Watched w : engines) {
            EngineHealth h = health.engine(w.name());
            Listing l = listings.get(w.name());
            out.add(new LocalEngineStatus(w.name(), w.engine().type().configName(),
                    h == null ? "unknown" : h.state().wire(), h == null ? null : h.detail(),
                    h == null ? null : h.checkedAt(), w.config().discover(),
                    catalogIds.getOrDefault(w.name(), List.of()), l == null ? null : l.at(),
                    l == null ? null : l.error()));
        }
        return out;
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
