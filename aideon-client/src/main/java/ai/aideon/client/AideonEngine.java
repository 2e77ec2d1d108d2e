package ai.aideon.client;

import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ClientKey;
import ai.aideon.client.config.ProviderConfig;
import ai.aideon.client.config.TierPolicy;
import ai.aideon.client.metering.Admission;
import ai.aideon.client.metering.Metering;
import ai.aideon.client.metering.RefusedException;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.api.Modality;
import ai.aideon.core.provider.EmbeddingProvider;
import ai.aideon.core.provider.ImageProvider;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.SpeechProvider;
import ai.aideon.core.provider.TranscriptionProvider;
import ai.aideon.core.route.TokenCounter;
import ai.aideon.providers.local.EspeakSpeechProvider;
import ai.aideon.providers.local.OnnxEmbeddingProvider;
import ai.aideon.providers.local.PocketsphinxTranscriptionProvider;
import ai.aideon.core.tier.Accountant;
import ai.aideon.core.tier.AccountantSettings;
import ai.aideon.core.tier.KeyStore;
import ai.aideon.core.tier.Limit;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.tier.RateLimiter;
import ai.aideon.core.tier.Tenant;
import ai.aideon.core.tier.UsageReports;
import ai.aideon.store.Store;
import java.util.ArrayList;
import java.util.List;
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

import ai.aideon.client.cache.QueryEmbedder;
import ai.aideon.client.cache.ResponseCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
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
    private static final Logger LOG = LoggerFactory.getLogger(AideonEngine.class);
    /** Long enough for the first question to wait while the embedding model loads (about a second). */
    private static final Duration QUERY_EMBED_TIMEOUT = Duration.ofSeconds(10);

    private final AideonConfig config;
    /** The config's catalog (replaced on reload); {@link #catalog} is it merged with the discovered models. */
    private final AtomicReference<Catalog> configured;
    private final AtomicReference<Catalog> catalog;
    private final LocalEngineMonitor engines;
    /** Per discovering provider, the catalog ids its discovery added (from the last merge). */
    private volatile Map<String, List<String>> discoveredIds = Map.of();
    private final Map<String, ChatProvider> providers;
    private final Map<String, SimulatorProvider> simulators;
    private final Map<String, EmbeddingProvider> embeddingProviders;
    private final CloudReachability cloud;
    private final Map<String, SpeechProvider> speechProviders;
    private final Map<String, TranscriptionProvider> transcriptionProviders;
    private final Map<String, ImageProvider> imageProviders;
    private final Map<String, Principal> staticPrincipals;
    private final Store store;
    private final Accountant accountant;
    private final Metering metering;
    private final HealthRegistry health;
    private final Router router;
    private final ChatExecutor executor;
    private final ResponseCache cache;

    private AideonEngine(AideonConfig config, Clock clock, Sleeper sleeper, Scheduler scheduler) {
        this.config = config;
        this.configured = new AtomicReference<>(config.catalog());
        this.catalog = new AtomicReference<>(config.catalog());
        this.health = new HealthRegistry(clock);
        List<LocalEngineMonitor.Watched> watched = new ArrayList<>();
        Map<String, ChatProvider> p = new LinkedHashMap<>();
        Map<String, SimulatorProvider> sims = new LinkedHashMap<>();
        Map<String, EmbeddingProvider> embedders = new LinkedHashMap<>();
        Map<String, SpeechProvider> speakers = new LinkedHashMap<>();
        Map<String, TranscriptionProvider> transcribers = new LinkedHashMap<>();
        Map<String, ImageProvider> imagers = new LinkedHashMap<>();
        for (ProviderConfig pc : config.providers().values()) {
            if (!pc.enabled()) {
                continue;
            }
            Object provider = switch (pc.settings().type()) {
                case "simulator" -> {
                    SimulatorProvider sim = new SimulatorProvider(pc.simulator(), sleeper::sleep);
                    sims.put(pc.name(), sim);
                    yield sim;
                }
                // In-process local engines: no network, so demo mode keeps them real.
                case "onnx" -> new OnnxEmbeddingProvider(pc.name());
                case "espeak" -> new EspeakSpeechProvider(pc.settings());
                case "pocketsphinx" -> new PocketsphinxTranscriptionProvider(pc.name());
                default -> ProviderFactory.create(pc.settings());
            };
            // One provider instance may serve several modalities (Together: chat and embeddings).
            if (provider instanceof ChatProvider chat) {
                p.put(pc.name(), chat);
            }
            if (provider instanceof EmbeddingProvider e) {
                embedders.put(pc.name(), e);
            }
            if (provider instanceof SpeechProvider sp) {
                speakers.put(pc.name(), sp);
            }
            if (provider instanceof TranscriptionProvider tp) {
                transcribers.put(pc.name(), tp);
            }
            if (provider instanceof ImageProvider ip) {
                imagers.put(pc.name(), ip);
            }
            if (pc.engine() != null) {
                ProviderFactory.localEngine(pc.settings(), clock)
                        .ifPresent(e -> watched.add(new LocalEngineMonitor.Watched(e, pc.engine())));
            }
        }
        this.embeddingProviders = Map.copyOf(embedders);
        this.cloud = new CloudReachability(List.copyOf(config.providers().values()), java.time.Duration.ofSeconds(10),
                java.time.Duration.ofSeconds(1));
        this.speechProviders = Map.copyOf(speakers);
        this.transcriptionProviders = Map.copyOf(transcribers);
        this.imageProviders = Map.copyOf(imagers);
        this.providers = Collections.unmodifiableMap(p);
        this.simulators = Collections.unmodifiableMap(sims);
        Map<String, Principal> principals = new LinkedHashMap<>();
        for (ClientKey k : config.clients()) {
            principals.put(k.key(), staticPrincipal(config, k));
        }
        if (config.store() != null && config.store().adminKey() != null) {
            principals.put(config.store().adminKey(), staticPrincipal(config,
                    new ClientKey("admin", config.store().adminKey(), null, "operator", true)));
        }
        this.staticPrincipals = Collections.unmodifiableMap(principals);
        this.router = new Router(catalog::get, health, config.router());
        this.executor = new ChatExecutor(providers::get, health, config.executor(), sleeper,
                new SplittableRandom(), new HeuristicQualityGate());
        if (config.store() != null && !"none".equals(config.store().location())) {
            this.store = Store.open(config.store().location(), clock, config.store().durability());
            this.accountant = new Accountant(store.allowances(), clock, config.store().instanceId(),
                    AccountantSettings.defaults());
            this.metering = new Metering(config, catalog::get, router, new RateLimiter(clock), accountant,
                    store.ledger(), store.reports(), clock);
        } else {
            this.store = null;
            this.accountant = null;
            this.metering = null;
        }
        this.cache = new ResponseCache(config.cache(), clock, queryEmbedder(config, embedders));
        LOG.info("response cache: {}", cache.describe());
        // Last: the first probe and discovery round runs now (in parallel, each bounded by the probe timeout), so the
        // gateway starts with discovered models routable and a dead engine already known to be dead.
        this.engines = new LocalEngineMonitor(watched, health, clock, scheduler, this::rebuildCatalog);
        engines.start();
    }

    /**
     * The semantic cache's embedder: the first enabled in-process embedding model (type onnx, {@code local-embed} in
     * the default config). Questions never leave the machine to be compared. Null when the semantic cache is off or
     * there is no such model; then it stays off, and the log says why.
     */
    private static QueryEmbedder queryEmbedder(AideonConfig config, Map<String, EmbeddingProvider> embedders) {
        if (!config.cache().semantic().enabled()) {
            return null;
        }
        for (ProviderConfig pc : config.providers().values()) {
            if (pc.enabled() && "onnx".equals(pc.settings().type())
                    && embedders.get(pc.name()) instanceof OnnxEmbeddingProvider onnx) {
                Thread.ofPlatform().daemon().name("aideon-semantic-cache-warmup").start(() -> {
                    try {
                        onnx.warmUp();
                    } catch (Exception e) {
                        LOG.warn("semantic cache: the local embedding model did not load ({}); questions will be "
                                + "treated as misses until it does", e.getMessage());
                    }
                });
                return text -> onnx.embed(new ModalityCall<>(new EmbeddingRequest(OnnxEmbeddingProvider.MODEL_ID,
                        List.of(text), null, null), null, QUERY_EMBED_TIMEOUT)).vectors().get(0);
            }
        }
        LOG.warn("semantic cache disabled: cache.semantic.enabled is true, but no local embedding model is "
                + "configured (add a provider of type onnx, like local-embed in the default config)");
        return null;
    }

    /** The exact and semantic response caches (never null; switched-off parts just never hit). */
    public ResponseCache cache() {
        return cache;
    }

    /** Merges the configured catalog with the engines' current listings and swaps it in. */
    private synchronized void rebuildCatalog() {
        catalog.set(merged(configured.get()));
    }

    private Catalog merged(Catalog base) {
        Map<String, List<ai.aideon.providers.engine.DiscoveredModel>> listed = engines.discovered();
        List<CatalogMerge.EngineModels> inputs = new ArrayList<>();
        for (LocalEngineMonitor.Watched w : engines.engines()) {
            List<ai.aideon.providers.engine.DiscoveredModel> models = listed.get(w.name());
            if (models == null) {
                continue;
            }
            ProviderConfig pc = config.providers().get(w.name());
            inputs.add(new CatalogMerge.EngineModels(w.name(), w.engine().type().configName(), w.engine(),
                    pc.settings().source(), CatalogMerge.tiers(w.config().discoverTiers(), config.tiers().keySet()),
                    models));
        }
        CatalogMerge.Result result = CatalogMerge.merge(base, inputs);
        discoveredIds = result.discoveredIds();
        return result.catalog();
    }

    /**
     * Swaps in the catalog (models, prices, routes) of a freshly loaded config without a restart; requests in
     * flight keep the snapshot they started with. Providers, tiers and the store are not reloaded: a catalog that
     * names a provider this engine doesn't run is refused. Returns what changed, one line per change.
     */
    public List<String> reloadCatalog(AideonConfig fresh) {
        for (var m : fresh.catalog().models()) {
            if (!config.providers().containsKey(m.provider())) {
                throw new IllegalArgumentException("model " + m.id() + " names provider '" + m.provider()
                        + "', which this running gateway doesn't have; restart to add providers");
            }
        }
        engines.refreshAll(); // a reload also asks the local engines again (SIGHUP after `ollama pull`)
        synchronized (this) {
            return swapConfigured(fresh);
        }
    }

    private List<String> swapConfigured(AideonConfig fresh) {
        Catalog old = catalog.get();
        Catalog merged = merged(fresh.catalog());
        List<String> changes = new ArrayList<>();
        for (var m : merged.models()) {
            var before = old.model(m.id());
            if (before.isEmpty()) {
                changes.add("added model " + m.id());
            } else if (!before.get().equals(m)) {
                changes.add("changed model " + m.id() + (before.get().price().equals(m.price()) ? ""
                        : " (price " + before.get().price() + " -> " + m.price() + ")"));
            }
        }
        for (var m : old.models()) {
            if (merged.model(m.id()).isEmpty()) {
                changes.add("removed model " + m.id());
            }
        }
        for (var r : fresh.catalog().routes()) {
            if (!old.route(r.alias()).map(r::equals).orElse(false)) {
                changes.add("changed route " + r.alias());
            }
        }
        configured.set(fresh.catalog());
        catalog.set(merged);
        return changes;
    }

    public static AideonEngine start(AideonConfig config) {
        return new AideonEngine(config, Clock.systemUTC(), Sleeper.system(), Scheduler.virtualThreads());
    }

    /** For tests: injected time and sleeping. */
    public static AideonEngine start(AideonConfig config, Clock clock, Sleeper sleeper) {
        return new AideonEngine(config, clock, sleeper, Scheduler.virtualThreads());
    }

    /** For tests: injected time, sleeping, and background work ({@link Scheduler#manual()} runs nothing by itself). */
    public static AideonEngine start(AideonConfig config, Clock clock, Sleeper sleeper, Scheduler scheduler) {
        return new AideonEngine(config, clock, sleeper, scheduler);
    }

    /** Health and discovered models of each local engine (ollama, llamacpp, vllm, whisper-cpp). */
    public List<LocalEngineStatus> localEngines() {
        return engines.statuses(discoveredIds);
    }

    /** Probes every local engine and reads the model lists now, instead of at the next interval. */
    public void refreshLocalEngines() {
        engines.refreshAll();
    }

    /** True when the model entered the catalog through a local engine's listing, not the config. */
    public boolean isDiscovered(String modelId) {
        for (List<String> ids : discoveredIds.values()) {
            if (ids.contains(modelId)) {
                return true;
            }
        }
        return false;
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

    /**
     * Who a bearer key belongs to: a key from the config file (demo keys, the operator's admin key) or one created
     * in the store. Empty for unknown and revoked keys.
     */
    public Optional<Principal> authenticate(String key) {
        if (key == null) {
            return Optional.empty();
        }
        Principal p = staticPrincipals.get(key);
        if (p != null || store == null) {
            return Optional.ofNullable(p);
        }
        return store.keys().verify(key).map(m -> principal(config, m.tenant(), m.key().keyId(), m.key().admin()));
    }

    /**
     * Whether a request must stay on local engines: it asked ({@code x-aideon-privacy: local_only}), the config says
     * {@code offline: true}, or no cloud provider is reachable right now (hybrid mode; recovers by itself).
     */
    public boolean localOnly(boolean requested) {
        return requested || config.server().offline() || !cloud.anyCloudReachable();
    }

    /** Last probe result per cloud provider (for the health endpoint). */
    public Map<String, Boolean> cloudReachability() {
        return cloud.snapshot();
    }

    /** Probes the cloud providers now instead of at the next interval. */
    public void probeCloud() {
        cloud.probeNow();
    }

    /** Metering (tiers, quotas, budgets, ledger), or null when the config switched the store off. */
    public Metering metering() {
        return metering;
    }

    /** The key store, or null without a store. */
    public KeyStore keys() {
        return store == null ? null : store.keys();
    }

    public UsageReports reports() {
        return store == null ? null : store.reports();
    }

    /**
     * Returns once every ledger row written so far is in the store's database tables, for tools that read the
     * database directly. Rows are durable as soon as their request completes; on SQLite they reach the tables
     * moments later (the store's reports sync by themselves).
     */
    public void syncLedger() {
        if (store != null) {
            store.ledger().sync();
        }
    }

    private static Principal staticPrincipal(AideonConfig config, ClientKey k) {
        Tenant tenant = new Tenant(k.tenant(), k.tenant(), k.tier() == null ? "admin" : k.tier(), List.of(), null,
                null, java.time.Instant.EPOCH);
        return principal(config, tenant, "cfg:" + k.name(), k.admin());
    }

    /**
     * The tier's limits with the tenant's overrides in place of the same meter and period (public: the admin API
     * shows each tenant the limits in force, computed exactly as a request would be).
     */
    public static Principal principal(AideonConfig config, Tenant tenant, String keyId, boolean admin) {
        TierPolicy tier = config.tier(tenant.tier());
        List<Limit> limits = new ArrayList<>();
        for (Limit l : tier.limits()) {
            if (tenant.overrides().stream().noneMatch(o -> o.sameSlot(l))) {
                limits.add(l);
            }
        }
        limits.addAll(tenant.overrides());
        long rpm = tenant.requestsPerMinute() != null ? tenant.requestsPerMinute() : tier.requestsPerMinute();
        long tpm = tenant.tokensPerMinute() != null ? tenant.tokensPerMinute() : tier.tokensPerMinute();
        return new Principal(tenant.id(), tenant.name(), keyId, tenant.tier(), admin ? List.of() : limits,
                admin ? 0 : rpm, admin ? 0 : tpm, admin);
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

    /** Plans, checks and reserves an embeddings request like a chat request (tier, rate, quota, budget). */
    public Admission admitEmbedding(String requestId, Principal principal, EmbeddingRequest request,
                                    RouteContext context) throws RoutingException, RefusedException {
        return admitModality(requestId, principal, request.model(), Modality.EMBED, context,
                withTokenMargin(inputTokens(request)), ai.aideon.core.tier.CostCalculator::inputOnly);
    }

    /** The embedding inputs' tokens as counted locally (cl100k), before the router's safety margin. */
    public int inputTokens(EmbeddingRequest request) {
        int tokens = 0;
        for (String text : request.inputs()) {
            tokens += TokenCounter.cl100k().count(text);
        }
        return tokens;
    }

    /** A local token count plus the router's margin: what a request reserves for input it counted itself. */
    public int withTokenMargin(int tokens) {
        return TokenCounter.withMargin(tokens, config.router().tokenMarginFraction(),
                config.router().tokenMarginFixed());
    }

    /**
     * Plans a non-chat request and, with metering on, checks tier, rate, quota and budget and reserves
     * {@code worstCase(plan)} — all before any upstream call.
     *
     * @param inputTokens what the request counts against token limits (0 for audio)
     */
    public Admission admitModality(String requestId, Principal principal, String model, Modality modality,
                                   RouteContext context, int inputTokens,
                                   java.util.function.Function<RoutePlan, ai.aideon.core.tier.Amounts> worstCase)
            throws RoutingException, RefusedException {
        RoutePlan planned;
        try {
            planned = router.planModality(model, modality, null, context);
        } catch (RoutingException e) {
            if (metering != null && e.reason() == RoutingException.Reason.TIER_NOT_ALLOWED) {
                throw metering.upgradeRequired(requestId, principal, model, e);
            }
            throw e;
        }
        RoutePlan plan = new RoutePlan(planned.requested(), planned.routeAlias(), planned.role(), inputTokens,
                planned.candidates(), planned.skipped());
        if (metering == null) {
            return new Admission(requestId, principal, null, plan, null, ai.aideon.core.tier.Amounts.ZERO,
                    System.nanoTime());
        }
        return metering.admitPlanned(requestId, principal, plan, worstCase.apply(plan));
    }

    /** Speaks through the plan's candidates (retries, breakers, fallbacks as for chat). */
    public ChatExecutor.CallOutcome<ai.aideon.core.api.SpeechAudio> speak(ai.aideon.core.api.SpeechRequest request,
                                                                      RoutePlan plan) throws AllAttemptsFailedException {
        return executor.call(plan, speechProviders::get,
                (provider, model, timeout) -> provider.speak(new ModalityCall<>(request, model, timeout)));
    }

    /** Transcribes through the plan's candidates (retries, breakers, fallbacks as for chat). */
    public ChatExecutor.CallOutcome<ai.aideon.core.api.Transcription> transcribe(
            ai.aideon.core.api.TranscriptionRequest request, RoutePlan plan) throws AllAttemptsFailedException {
        return executor.call(plan, transcriptionProviders::get,
                (provider, model, timeout) -> provider.transcribe(new ModalityCall<>(request, model, timeout)));
    }

    /** Generates images through the plan's candidates (retries, breakers, fallbacks as for chat). */
    public ChatExecutor.CallOutcome<ai.aideon.core.api.GeneratedImages> generateImages(
            ai.aideon.core.api.ImageRequest request, RoutePlan plan) throws AllAttemptsFailedException {
        return executor.call(plan, imageProviders::get,
                (provider, model, timeout) -> provider.generate(new ModalityCall<>(request, model, timeout)));
    }

    /** Embeds through the plan's candidates with the chat path's retries, breakers and fallbacks. */
    public ChatExecutor.CallOutcome<EmbeddingResponse> embed(EmbeddingRequest request, RoutePlan plan)
            throws AllAttemptsFailedException {
        return executor.call(plan, embeddingProviders::get,
                (provider, model, timeout) -> provider.embed(new ModalityCall<>(request, model, timeout)));
    }

    /** The plan of a non-chat request (embeddings, speech, transcription, images), without admitting it. */
    public RoutePlan planModality(String model, Modality modality, RouteContext context) throws RoutingException {
        return router.planModality(model, modality, null, context);
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
        engines.close();
        cloud.close();
        if (accountant != null) {
            accountant.close();
        }
        if (store != null) {
            store.close();
        }
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
