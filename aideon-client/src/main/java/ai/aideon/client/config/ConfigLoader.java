package ai.aideon.client.config;

import ai.aideon.core.api.Modality;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Source;
import ai.aideon.core.catalog.Capability;
import ai.aideon.core.catalog.Catalog;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Price;
import ai.aideon.core.catalog.Route;
import ai.aideon.core.catalog.RouteEntry;
import ai.aideon.core.route.ExecutorSettings;
import ai.aideon.core.route.RouterSettings;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.engine.EngineType;
import ai.aideon.providers.Secret;
import ai.aideon.providers.simulator.SimulatorSettings;
import ai.aideon.store.Durability;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code aideon.yaml}. Sections a file leaves out ({@code models}, {@code routes}, {@code providers}) come
 * from the built-in default config, so a small file that only sets keys and base URLs still gets the full
 * catalog. Every problem is reported with its line and a fix.
 *
 * <p>Local engines (ollama, llamacpp, vllm, whisper-cpp) are {@code source: local} unless the file says otherwise,
 * and their {@code base_url} is the server root ({@code /v1} at the end is accepted and dropped). Those that can
 * list their models discover them unless {@code discover: false}: the catalog then also holds
 * {@code <provider>/<model>} for each, and that id namespace belongs to the provider, so a route may name such a
 * model before it is discovered, and no other provider's model may use the namespace.
 */
public final class ConfigLoader {
    public static final String DEFAULT_RESOURCE = "/ai/aideon/client/aideon-default.yaml";
    private static final Set<String> TOP_KEYS = Set.of("server", "router", "executor", "providers", "models",
            "routes", "clients", "tiers", "store", "admin_key", "upgrade_url", "offline", "cache");
    private static final Set<String> PROVIDER_TYPES = Set.of("together", "openai", "ollama", "llamacpp", "vllm",
            "whisper-cpp", "simulator", "onnx", "espeak", "pocketsphinx");
    /** Keys only a local engine (ollama, llamacpp, vllm, whisper-cpp) understands. */
    private static final Set<String> ENGINE_KEYS = Set.of("discover", "probe_interval", "discover_interval",
            "discover_tiers");
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** Engines that run in this process or as local programs: no base URL, and demo mode keeps them real. */
    public static final Set<String> IN_PROCESS_TYPES = Set.of("simulator", "onnx", "espeak", "pocketsphinx");

    private final Function<String, String> env;

    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    public static ConfigLoader withSystemEnv() {
        return new ConfigLoader(System::getenv);
    }

    public AideonConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0,
                    "cannot read the file: " + e.getMessage(), "check the path given to --config")));
        }
        return parse(text, file.toString());
    }

    /** The built-in default config (the seed plan's full catalog, local engine + Together). */
    public AideonConfig loadDefault() throws ConfigException {
        return parse(defaultText(), "aideon-default.yaml");
    }

    public static String defaultText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("default config missing from the classpath: " + DEFAULT_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public AideonConfig parse(String text, String fileName) throws ConfigException {
        YamlTree y = new YamlTree(fileName, new EnvInterpolator(env));
        Node root = compose(new StringReader(text), fileName);
        Map<String, Node> top = y.map(root, "the file");
        y.onlyKeys(root, top, "the top level", TOP_KEYS);

        // Sections the file leaves out come from the default config (parsed with the same environment).
        Map<String, Node> defaults = Map.of();
        if (!fileName.equals("aideon-default.yaml")
                && (!top.containsKey("models") || !top.containsKey("routes") || !top.containsKey("providers")
                || !top.containsKey("tiers"))) {
            defaults = y.map(compose(new StringReader(defaultText()), "aideon-default.yaml"), "defaults");
        }

        ServerConfig base = server(y, top.get("server"));
        ServerConfig server = new ServerConfig(base.host(), base.port(), base.maxBodyBytes(),
                base.imageFetchAllowLoopback(), y.bool(top, "offline", false));
        RouterSettings router = router(y, top.get("router"));
        ExecutorSettings executor = executor(y, top.get("executor"));
        Map<Node, List<String>> discoverTiers = new LinkedHashMap<>();
        Map<String, ProviderConfig> providers = providers(y, top.getOrDefault("providers", defaults.get("providers")),
                discoverTiers);
        Set<String> namespaces = new LinkedHashSet<>();
        providers.values().stream().filter(ProviderConfig::discovers).forEach(pc -> namespaces.add(pc.name()));
        List<ModelSpec> models = models(y, top.getOrDefault("models", defaults.get("models")), providers);
        List<Route> routes = routes(y, top.getOrDefault("routes", defaults.get("routes")), models, providers);
        List<ClientKey> clients = clients(y, top.get("clients"));
        Node tiersNode = top.containsKey("tiers") ? top.get("tiers") : defaults.get("tiers");
        Map<String, TierPolicy> tiers = tiers(y, tiersNode, routes);
        discoverTiers.forEach((node, names) -> {
            for (String t : names) {
                if (!tiers.containsKey(t)) {
                    y.problem(node, "discover_tiers names unknown tier '" + t + "'",
                            "use tiers defined under tiers: " + tiers.keySet());
                }
            }
        });
        StoreConfig store = store(y, top);
        CacheConfig cache = cache(y, top.get("cache"));

        if (!y.problems.isEmpty()) {
            throw new ConfigException(y.problems);
        }
        Catalog catalog;
        try {
            catalog = new Catalog(models, routes, namespaces);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(new ConfigProblem(fileName, 0, e.getMessage(),
                    "make model ids and route aliases unique")));
        }
        return new AideonConfig(server, router, executor, providers, catalog, clients, tiers, store, fileName, cache);
    }

    private static Node compose(Reader reader, String fileName) throws ConfigException {
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            Node node = new Yaml(options).compose(reader);
            if (node == null) {
                throw new ConfigException(List.of(new ConfigProblem(fileName, 0, "the file is empty",
                        "start from `./aideon config default`")));
            }
            return node;
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(List.of(new ConfigProblem(fileName, line,
                    "not valid YAML: " + e.getProblem(),
                    "check indentation (spaces, not tabs) and that every 'key: value' has a space after ':'")));
        } catch (RuntimeException e) {
            throw new ConfigException(List.of(new ConfigProblem(fileName, 0, "not valid YAML: " + e.getMessage(),
                    "check the file's syntax")));
        }
    }

    private static ServerConfig server(YamlTree y, Node node) {
        Map<String, Node> m = y.map(node, "server");
        y.onlyKeys(node, m, "server", Set.of("host", "port", "max_body_mb", "image_fetch_allow_loopback"));
        String host = y.str(m, "host");
        int port = y.integer(m, "port", 8080);
        if (port < 0 || port > 65535) {
            y.problem(m.get("port"), "port must be 0..65535", "e.g. port: 8080 (0 picks a free port)");
        }
        long maxBody = y.integer(m, "max_body_mb", 32) * 1024L * 1024L;
        return new ServerConfig(host == null ? "127.0.0.1" : host, port, maxBody,
                y.bool(m, "image_fetch_allow_loopback", false), false);
    }

    /** {@code cache: {exact: {enabled, max_entries, ttl}, semantic: {enabled, threshold, ttl, max_entries_per_tenant}}}. */
    private static CacheConfig cache(YamlTree y, Node node) {
        Map<String, Node> m = y.map(node, "cache");
        y.onlyKeys(node, m, "cache", Set.of("exact", "semantic"));
        CacheConfig.Exact de = CacheConfig.DEFAULT_EXACT;
        Map<String, Node> e = y.map(m.get("exact"), "cache.exact");
        y.onlyKeys(m.get("exact"), e, "cache.exact", Set.of("enabled", "max_entries", "ttl"));
        CacheConfig.Exact exact = new CacheConfig.Exact(y.bool(e, "enabled", de.enabled()),
                positive(y, e, "max_entries", de.maxEntries(), "cache.exact"),
                positiveDuration(y, e, "ttl", de.ttl(), "cache.exact"));

        CacheConfig.Semantic ds = CacheConfig.DEFAULT_SEMANTIC;
        Map<String, Node> s = y.map(m.get("semantic"), "cache.semantic");
        y.onlyKeys(m.get("semantic"), s, "cache.semantic",
                Set.of("enabled", "threshold", "ttl", "max_entries_per_tenant"));
        double threshold = y.decimal(s, "threshold", ds.threshold());
        if (threshold < 0.5 || threshold > 1) {
            y.problem(s.get("threshold"), "cache.semantic.threshold must be between 0.5 and 1 (cosine similarity), got "
                    + threshold, "e.g. threshold: 0.92; below about 0.9 unrelated questions start to look alike");
            threshold = ds.threshold();
        }
        CacheConfig.Semantic semantic = new CacheConfig.Semantic(y.bool(s, "enabled", ds.enabled()), threshold,
                positiveDuration(y, s, "ttl", ds.ttl(), "cache.semantic"),
                positive(y, s, "max_entries_per_tenant", ds.maxEntriesPerTenant(), "cache.semantic"));
        return new CacheConfig(exact, semantic);
    }

    private static int positive(YamlTree y, Map<String, Node> m, String key, int fallback, String where) {
        int v = y.integer(m, key, fallback);
        if (v < 1) {
            y.problem(m.get(key), where + "." + key + " must be at least 1, got " + v,
                    "e.g. " + key + ": " + fallback + " (to switch the cache off use enabled: false)");
            return fallback;
        }
        return v;
    }

    private static Duration positiveDuration(YamlTree y, Map<String, Node> m, String key, Duration fallback,
                                             String where) {
        Duration d = y.duration(m, key, fallback);
        if (d.isZero()) {
            y.problem(m.get(key), where + "." + key + " must be longer than 0",
                    "e.g. " + key + ": 1h (to switch the cache off use enabled: false)");
            return fallback;
        }
        return d;
    }

    private static RouterSettings router(YamlTree y, Node node) {
        Map<String, Node> m = y.map(node, "router");
        y.onlyKeys(node, m, "router", Set.of("token_margin", "token_margin_fixed", "min_completion_tokens"));
        RouterSettings d = RouterSettings.defaults();
        return new RouterSettings(y.decimal(m, "token_margin", d.tokenMarginFraction()),
                y.integer(m, "token_margin_fixed", d.tokenMarginFixed()),
                y.integer(m, "min_completion_tokens", d.minCompletionTokens()));
    }

    private static ExecutorSettings executor(YamlTree y, Node node) {
        Map<String, Node> m = y.map(node, "executor");
        y.onlyKeys(node, m, "executor", Set.of("retries", "critical_retries", "base_backoff", "max_backoff",
                "max_retry_after", "call_timeout", "quality_threshold"));
        ExecutorSettings d = ExecutorSettings.defaults();
        double threshold = y.decimal(m, "quality_threshold", d.qualityThreshold());
        if (threshold < 0 || threshold > 1) {
            y.problem(m.get("quality_threshold"), "quality_threshold must be between 0 and 1", "e.g. 0.8");
        }
        return new ExecutorSettings(y.integer(m, "retries", d.retriesPerCandidate()),
                y.integer(m, "critical_retries", d.criticalRetriesPerCandidate()),
                y.duration(m, "base_backoff", d.baseBackoff()), y.duration(m, "max_backoff", d.maxBackoff()),
                y.duration(m, "max_retry_after", d.maxRetryAfter()), y.duration(m, "call_timeout", d.callTimeout()),
                threshold);
    }

    private static Map<String, ProviderConfig> providers(YamlTree y, Node node, Map<Node, List<String>> discoverTiers) {
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        Map<String, Node> all = y.map(node, "providers");
        for (Map.Entry<String, Node> e : all.entrySet()) {
            String name = e.getKey();
            Node pn = e.getValue();
            Map<String, Node> m = y.map(pn, "providers." + name);
            y.onlyKeys(pn, m, "providers." + name, Set.of("type", "source", "base_url", "api_key", "timeout",
                    "options", "simulator", "api", "discover", "probe_interval", "discover_interval",
                    "discover_tiers"));
            String type = y.required(m, "type", pn, "provider '" + name + "'");
            if (type != null && !PROVIDER_TYPES.contains(type)) {
                y.problem(m.get("type"), "unknown provider type '" + type + "'",
                        "use one of: " + String.join(", ", PROVIDER_TYPES));
            }
            EngineType engineType = EngineType.fromConfig(type).orElse(null);
            if (name.contains("/")) {
                y.problem(pn, "provider name '" + name + "' contains '/'",
                        "use a plain name such as ollama or gpu-box; '/' separates a provider from its model ids");
            }
            // A local engine runs on the operator's machines unless the file says otherwise, and so do the in-process
            // engines (onnx, espeak, pocketsphinx) by their nature. A simulator stands in for either; it says cloud.
            boolean local = engineType != null || (IN_PROCESS_TYPES.contains(type) && !"simulator".equals(type));
            Source source = enumValue(y, m, "source", Source.class, local ? Source.LOCAL : Source.CLOUD);
            String base = y.str(m, "base_url");
            URI baseUrl = null;
            if (base != null && !base.isBlank()) {
                try {
                    baseUrl = URI.create(base);
                    if (baseUrl.getScheme() == null || !baseUrl.getScheme().startsWith("http")) {
                        throw new IllegalArgumentException("not http(s)");
                    }
                } catch (IllegalArgumentException ex) {
                    y.problem(m.get("base_url"), "base_url '" + base + "' is not an http(s) URL",
                            "e.g. base_url: http://127.0.0.1:11434");
                }
            } else if (type != null && !IN_PROCESS_TYPES.contains(type)) {
                y.problem(m.getOrDefault("base_url", pn), "provider '" + name + "' needs base_url",
                        "add base_url: " + baseUrlExample(type));
            }
            if (baseUrl == null && type != null && IN_PROCESS_TYPES.contains(type)) {
                baseUrl = ai.aideon.client.DemoMode.inProcessUri(name);
            }
            String key = y.str(m, "api_key");
            Duration timeout = y.duration(m, "timeout", Duration.ofSeconds(10));
            Map<String, String> options = new LinkedHashMap<>();
            Map<String, Node> opts = y.map(m.get("options"), "options");
            for (String k : opts.keySet()) {
                options.put(k, y.str(opts, k));
            }
            String api = y.str(m, "api");
            if (api != null) {
                if (!"ollama".equals(type)) {
                    y.problem(m.get("api"), "'api' is for ollama providers only",
                            "remove it; provider '" + name + "' (type " + type + ") has one API");
                } else if (!api.equals("native") && !api.equals("openai")) {
                    y.problem(m.get("api"), "api must be native or openai, got '" + api + "'",
                            "api: native (Ollama's /api/chat) or api: openai (its OpenAI-compatible /v1)");
                } else {
                    options.put("api", api);
                }
            }
            LocalEngineConfig engine = engineType == null ? noEngineKeys(y, m, name, type)
                    : engine(y, m, name, engineType, discoverTiers);
            if (engineType != null && baseUrl != null) {
                baseUrl = URI.create(ai.aideon.providers.engine.EngineEndpoints.rootOf(baseUrl));
            }
            // A simulator block on a real provider says how its stand-in behaves in demo mode.
            SimulatorSettings sim = "simulator".equals(type) || m.containsKey("simulator")
                    ? simulator(y, name, m.get("simulator")) : null;
            boolean needsKey = "together".equals(type);
            boolean enabled = !needsKey || (key != null && !key.isBlank());
            if (baseUrl == null) {
                continue; // already reported above; keep reading to find every problem
            }
            ProviderSettings settings = new ProviderSettings(name, type == null ? "?" : type, source, baseUrl,
                    Secret.of(key), timeout, options);
            out.put(name, new ProviderConfig(settings, sim, enabled,
                    enabled ? null : "no API key configured (api_key resolved to empty)", engine));
        }
        return out;
    }

    private static String baseUrlExample(String type) {
        return switch (type) {
            case "ollama" -> "http://127.0.0.1:11434 (the server root)";
            case "llamacpp" -> "http://127.0.0.1:8080 (llama-server's root, as started with --port 8080)";
            case "vllm" -> "http://127.0.0.1:8000 (vllm serve's root)";
            case "whisper-cpp" -> "http://127.0.0.1:8081 (whisper-server's root, as started with --port 8081)";
            case "together" -> "https://api.together.xyz/v1";
            default -> "http://… (the API root including /v1)";
        };
    }

    /** Probe and discovery settings of a local engine; {@code discover: true} needs an engine with a model list. */
    private static LocalEngineConfig engine(YamlTree y, Map<String, Node> m, String name, EngineType type,
                                            Map<Node, List<String>> discoverTiers) {
        boolean discover = y.bool(m, "discover", type.discovers());
        if (discover && !type.discovers()) {
            y.problem(m.get("discover"), "provider '" + name + "' (" + type.configName() + ") has no model list to "
                    + "discover", "remove discover: true and declare its model under models: with provider: " + name);
            discover = false;
        }
        Duration probe = interval(y, m, "probe_interval", LocalEngineConfig.DEFAULT_PROBE_INTERVAL);
        Duration refresh = interval(y, m, "discover_interval", LocalEngineConfig.DEFAULT_DISCOVER_INTERVAL);
        List<String> tiers = y.strings(m, "discover_tiers");
        if (!tiers.isEmpty()) {
            if (!discover) {
                y.problem(m.get("discover_tiers"), "discover_tiers has no effect: provider '" + name
                        + "' does not discover models", "remove it, or set discover: true");
            }
            discoverTiers.put(m.get("discover_tiers"), tiers);
        }
        return new LocalEngineConfig(discover, probe, refresh, new LinkedHashSet<>(tiers));
    }

    private static Duration interval(YamlTree y, Map<String, Node> m, String key, Duration fallback) {
        Duration d = y.duration(m, key, fallback);
        if (d.compareTo(MIN_INTERVAL) < 0) {
            y.problem(m.get(key), key + " must be at least 1s, got " + d.toMillis() + "ms",
                    "e.g. " + key + ": " + fallback.toSeconds() + "s");
            return fallback;
        }
        return d;
    }

    /** The engine keys on a provider that is not a local engine: a mistake worth naming. */
    private static LocalEngineConfig noEngineKeys(YamlTree y, Map<String, Node> m, String name, String type) {
        for (String key : ENGINE_KEYS) {
            if (m.containsKey(key)) {
                y.problem(m.get(key), "'" + key + "' is for local engines (ollama, llamacpp, vllm, whisper-cpp), not "
                        + "provider '" + name + "' of type " + type, "remove " + key + ", or change the type");
            }
        }
        return null;
    }

    /** Simulator settings; also used by demo mode to stand a simulator in for a real provider. */
    static SimulatorSettings simulator(YamlTree y, String name, Node node) {
        Map<String, Node> m = y.map(node, "simulator");
        y.onlyKeys(node, m, "simulator", Set.of("seed", "first_token_latency", "token_latency", "models"));
        Map<String, SimulatorSettings.ModelBehaviour> behaviours = new LinkedHashMap<>();
        Map<String, Node> models = y.map(m.get("models"), "simulator.models");
        for (Map.Entry<String, Node> e : models.entrySet()) {
            Map<String, Node> b = y.map(e.getValue(), "simulator.models." + e.getKey());
            y.onlyKeys(e.getValue(), b, "simulator.models." + e.getKey(),
                    Set.of("error_rate", "mid_stream_failure_rate", "extra_latency"));
            behaviours.put(e.getKey(), new SimulatorSettings.ModelBehaviour(y.decimal(b, "error_rate", 0),
                    y.decimal(b, "mid_stream_failure_rate", 0), y.duration(b, "extra_latency", Duration.ZERO)));
        }
        return new SimulatorSettings(name, y.integer(m, "seed", 42),
                y.duration(m, "first_token_latency", Duration.ofMillis(120)),
                y.duration(m, "token_latency", Duration.ofMillis(15)), behaviours);
    }

    private static List<ModelSpec> models(YamlTree y, Node node, Map<String, ProviderConfig> providers) {
        List<ModelSpec> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Node mn : y.list(node, "models")) {
            Map<String, Node> m = y.map(mn, "a model");
            y.onlyKeys(mn, m, "a model", Set.of("id", "provider", "upstream_id", "modality", "source", "context",
                    "capabilities", "price", "tiers", "description"));
            String id = y.required(m, "id", mn, "a model");
            String provider = y.required(m, "provider", mn, "model '" + id + "'");
            if (id != null && !seen.add(id)) {
                y.problem(m.get("id"), "model id '" + id + "' appears twice", "remove or rename one of them");
            }
            ProviderConfig pc = provider == null ? null : providers.get(provider);
            String namespace = id == null || id.indexOf('/') <= 0 ? null : id.substring(0, id.indexOf('/'));
            ProviderConfig owner = namespace == null ? null : providers.get(namespace);
            if (owner != null && owner.discovers() && provider != null && !provider.equals(namespace)) {
                y.problem(m.get("id"), "model id '" + id + "' lies in the namespace of provider '" + namespace
                        + "', which discovers its models as " + namespace + "/<model>", "name the model differently, "
                        + "or set provider: " + namespace);
            }
            if (provider != null && pc == null) {
                y.problem(m.get("provider"), "model '" + id + "' names provider '" + provider
                        + "', which is not configured", "add it under providers:, or use one of "
                        + providers.keySet());
            }
            Modality modality = enumValue(y, m, "modality", Modality.class, null);
            if (modality == null && !m.containsKey("modality")) {
                y.problem(mn, "model '" + id + "' needs 'modality'",
                        "add modality: text|code|vision|image|tts|stt|embed|video");
            }
            Source source = m.containsKey("source") ? enumValue(y, m, "source", Source.class, Source.CLOUD)
                    : pc == null ? Source.CLOUD : pc.settings().source();
            Set<Capability> caps = EnumSet.noneOf(Capability.class);
            for (String c : y.strings(m, "capabilities")) {
                try {
                    caps.add(Capability.valueOf(c.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    y.problem(m.get("capabilities"), "unknown capability '" + c + "'",
                            "use: tools, json, vision, streaming");
                }
            }
            Map<String, Node> p = y.map(m.get("price"), "price");
            y.onlyKeys(m.get("price"), p, "price",
                    Set.of("input", "output", "image", "audio_second", "m_characters", "video_second"));
            Price price = new Price(y.money(p, "input"), y.money(p, "output"), y.money(p, "image"),
                    y.money(p, "audio_second"), y.money(p, "m_characters"), y.money(p, "video_second"));
            List<String> tiers = y.strings(m, "tiers");
            if (tiers.isEmpty()) {
                y.problem(m.getOrDefault("tiers", mn), "model '" + id + "' names no tiers",
                        "add tiers: [free, premium] (or the tiers that may use it)");
            }
            String upstream = y.str(m, "upstream_id");
            if (id != null && provider != null && modality != null) {
                out.add(new ModelSpec(id, provider, upstream == null ? id : upstream, modality, source, caps,
                        y.integer(m, "context", 0), price, new LinkedHashSet<>(tiers), y.str(m, "description")));
            }
        }
        return out;
    }

    private static List<Route> routes(YamlTree y, Node node, List<ModelSpec> models,
                                      Map<String, ProviderConfig> providers) {
        Set<String> namespaces = new LinkedHashSet<>();
        providers.values().stream().filter(ProviderConfig::discovers).forEach(pc -> namespaces.add(pc.name()));
        Map<String, ModelSpec> byId = new LinkedHashMap<>();
        models.forEach(ms -> byId.put(ms.id(), ms));
        List<Route> out = new ArrayList<>();
        for (Node rn : y.list(node, "routes")) {
            Map<String, Node> m = y.map(rn, "a route");
            y.onlyKeys(rn, m, "a route", Set.of("alias", "modality", "description", "plans"));
            String alias = y.required(m, "alias", rn, "a route");
            Modality modality = enumValue(y, m, "modality", Modality.class, Modality.TEXT);
            Map<String, List<RouteEntry>> plans = new LinkedHashMap<>();
            for (Map.Entry<String, Node> tier : y.map(m.get("plans"), "plans").entrySet()) {
                List<RouteEntry> entries = new ArrayList<>();
                for (Node en : y.list(tier.getValue(), "plans." + tier.getKey())) {
                    Map<String, Node> e = y.map(en, "a plan entry");
                    y.onlyKeys(en, e, "a plan entry", Set.of("model", "role"));
                    String model = y.required(e, "model", en, "a plan entry");
                    Role role = Role.PRIMARY;
                    String roleText = y.str(e, "role");
                    if (roleText != null) {
                        role = Role.parse(roleText).orElse(null);
                        if (role == null) {
                            y.problem(e.get("role"), "unknown role '" + roleText + "'",
                                    "use: primary, fallback, critical, complex, quick, quality, specialized");
                            role = Role.PRIMARY;
                        }
                    }
                    ModelSpec spec = model == null ? null : byId.get(model);
                    int slash = model == null ? -1 : model.indexOf('/');
                    if (model != null && spec == null && slash > 0 && namespaces.contains(model.substring(0, slash))) {
                        // A model the engine will list (or already lists): the router skips it until it does.
                        if (discoveredEntryIsValid(y, e.get("model"), alias, tier.getKey(), model,
                                providers.get(model.substring(0, slash)), models)) {
                            entries.add(new RouteEntry(model, role));
                        }
                    } else if (model != null && spec == null) {
                        y.problem(e.get("model"), "route '" + alias + "' names unknown model '" + model + "'",
                                "add the model under models:, or fix the id"
                                        + (namespaces.isEmpty() ? "" : " (discovered models are named "
                                        + namespaces.iterator().next() + "/<model as the engine lists it>)"));
                    } else if (spec != null && !spec.allowsTier(tier.getKey())) {
                        y.problem(e.get("model"), "route '" + alias + "' offers model '" + model + "' to tier '"
                                + tier.getKey() + "', but the model's tiers are " + spec.tiers(),
                                "add " + tier.getKey() + " to the model's tiers, or remove it from this plan");
                    } else if (spec != null) {
                        entries.add(new RouteEntry(model, role));
                    }
                }
                plans.put(tier.getKey(), entries);
            }
            if (alias != null) {
                out.add(new Route(alias, modality, y.str(m, "description"), plans));
            }
        }
        return out;
    }

    /**
     * What can be checked of a route entry naming a discovered model before it exists: the tier must be one the
     * provider's discovered models allow (the router trusts routes to respect model tiers), and it must not be a
     * model the config already declares under another id (that one wins, so this id would never appear).
     */
    private static boolean discoveredEntryIsValid(YamlTree y, Node at, String alias, String tier, String model,
                                                  ProviderConfig provider, List<ModelSpec> models) {
        var tiers = provider.engine().discoverTiers();
        if (!tiers.isEmpty() && !tiers.contains(tier)) {
            y.problem(at, "route '" + alias + "' offers discovered model '" + model + "' to tier '" + tier
                    + "', but provider '" + provider.name() + "' discovers its models for " + tiers,
                    "add " + tier + " to its discover_tiers, or remove the model from this plan");
            return false;
        }
        String upstream = model.substring(provider.name().length() + 1);
        for (ModelSpec m : models) {
            if (m.provider().equals(provider.name()) && (m.upstreamId().equals(upstream)
                    || (m.upstreamId() + ":latest").equals(upstream) || m.upstreamId().equals(upstream + ":latest"))) {
                y.problem(at, "route '" + alias + "' names '" + model + "', which is declared as '" + m.id() + "'",
                        "use model: " + m.id() + " (a declared model keeps its id when the engine lists it)");
                return false;
            }
        }
        return true;
    }

    private static List<ClientKey> clients(YamlTree y, Node node) {
        List<ClientKey> out = new ArrayList<>();
        for (Node cn : y.list(node, "clients")) {
            Map<String, Node> m = y.map(cn, "a client");
            y.onlyKeys(cn, m, "a client", Set.of("name", "key", "tier", "tenant"));
            String key = y.required(m, "key", cn, "a client");
            String tier = y.required(m, "tier", cn, "a client");
            String name = y.str(m, "name");
            if (name == null) {
                name = "client-" + (out.size() + 1);
            }
            String tenant = y.str(m, "tenant");
            if (key != null && tier != null) {
                out.add(new ClientKey(name, key, tier, tenant == null ? name : tenant, false));
            }
        }
        return out;
    }

    private static StoreConfig store(YamlTree y, Map<String, Node> top) {
        Node node = top.get("store");
        String location;
        String instance = null;
        Durability durability = Durability.DEFAULT;
        if (node instanceof org.yaml.snakeyaml.nodes.MappingNode) {
            Map<String, Node> m = y.map(node, "store");
            y.onlyKeys(node, m, "store", Set.of("url", "instance_id", "durability"));
            location = y.str(m, "url");
            instance = y.str(m, "instance_id");
            String d = y.str(m, "durability");
            if (d != null) {
                durability = Durability.parse(d).orElse(null);
                if (durability == null) {
                    y.problem(m.get("durability"), "store durability '" + d + "' is neither os nor fsync",
                            "use durability: os (a committed row survives a crash or kill -9; the default) or "
                                    + "durability: fsync (it also survives power loss, at one fsync per commit)");
                    durability = Durability.DEFAULT;
                }
            }
        } else {
            location = y.str(top, "store");
        }
        if (location == null || location.isBlank()) {
            location = "sqlite:aideon.db";
        } else if (!(location.equals("none") || location.startsWith("sqlite:") || location.startsWith("jdbc:sqlite:")
                || location.startsWith("postgres://") || location.startsWith("postgresql://")
                || location.startsWith("jdbc:postgresql:"))) {
            y.problem(node, "store '" + StoreConfig.redacted(location) + "' is neither SQLite nor PostgreSQL",
                    "use store: sqlite:aideon.db, store: postgres://user:password@host:5432/aideon, or store: none "
                            + "(no ledger, no limits)");
        }
        if (instance == null || instance.isBlank()) {
            instance = defaultInstanceId();
        }
        String admin = y.str(top, "admin_key");
        return new StoreConfig(location, instance, y.str(top, "upgrade_url"),
                admin == null || admin.isBlank() ? null : admin, durability);
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    private static Map<String, TierPolicy> tiers(YamlTree y, Node node, List<Route> routes) {
        Set<String> aliases = new LinkedHashSet<>();
        routes.forEach(r -> aliases.add(r.alias()));
        Map<String, TierPolicy> out = new LinkedHashMap<>();
        Map<String, Node> all = y.map(node, "tiers");
        for (Map.Entry<String, Node> e : all.entrySet()) {
            String name = e.getKey();
            Map<String, Node> m = y.map(e.getValue(), "tiers." + name);
            y.onlyKeys(e.getValue(), m, "tiers." + name, Set.of("routes", "rate", "quotas", "budget", "upgrade_to"));
            List<String> allowed = y.strings(m, "routes");
            for (String alias : allowed) {
                if (!aliases.contains(alias)) {
                    y.problem(m.get("routes"), "tier '" + name + "' names unknown route '" + alias + "'",
                            "use one of: " + String.join(", ", aliases));
                }
            }
            Map<String, Node> rate = y.map(m.get("rate"), "rate");
            y.onlyKeys(m.get("rate"), rate, "rate", Set.of("requests_per_minute", "tokens_per_minute"));
            List<ai.aideon.core.tier.Limit> limits = new ArrayList<>();
            Map<String, Node> quotas = y.map(m.get("quotas"), "quotas");
            y.onlyKeys(m.get("quotas"), quotas, "quotas", Set.of("daily", "monthly"));
            for (Map.Entry<String, Node> q : quotas.entrySet()) {
                ai.aideon.core.tier.Period period = q.getKey().equals("daily") ? ai.aideon.core.tier.Period.DAY
                        : ai.aideon.core.tier.Period.MONTH;
                Map<String, Node> qm = y.map(q.getValue(), "quotas." + q.getKey());
                y.onlyKeys(q.getValue(), qm, "quotas." + q.getKey(),
                        Set.of("requests", "tokens", "images", "audio_seconds"));
                for (String meter : qm.keySet()) {
                    long max = y.longValue(qm, meter, -1);
                    if (max >= 0) {
                        limits.add(new ai.aideon.core.tier.Limit(
                                ai.aideon.core.tier.Meter.valueOf(meter.toUpperCase(Locale.ROOT)), period, max));
                    }
                }
            }
            Map<String, Node> budget = y.map(m.get("budget"), "budget");
            y.onlyKeys(m.get("budget"), budget, "budget", Set.of("usd", "period"));
            java.math.BigDecimal usd = y.money(budget, "usd");
            if (usd != null) {
                String per = y.str(budget, "period");
                ai.aideon.core.tier.Period period = "day".equals(per) ? ai.aideon.core.tier.Period.DAY
                        : ai.aideon.core.tier.Period.MONTH;
                if (per != null && !per.equals("day") && !per.equals("month")) {
                    y.problem(budget.get("period"), "budget period must be day or month", "period: month");
                }
                limits.add(new ai.aideon.core.tier.Limit(ai.aideon.core.tier.Meter.COST_MICROS, period,
                        usd.movePointRight(6).setScale(0, java.math.RoundingMode.FLOOR).longValueExact()));
            }
            String upgradeTo = y.str(m, "upgrade_to");
            if (upgradeTo != null && !all.containsKey(upgradeTo)) {
                y.problem(m.get("upgrade_to"), "tier '" + name + "' upgrades to unknown tier '" + upgradeTo + "'",
                        "use one of: " + all.keySet());
            }
            out.put(name, new TierPolicy(name, new LinkedHashSet<>(allowed), Math.max(0, y.longValue(rate,
                    "requests_per_minute", 0)), Math.max(0, y.longValue(rate, "tokens_per_minute", 0)), limits,
                    upgradeTo));
        }
        return out;
    }

    private static <E extends Enum<E>> E enumValue(YamlTree y, Map<String, Node> m, String key, Class<E> type,
                                                   E fallback) {
        String v = y.str(m, key);
        if (v == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                names.add(c.name().toLowerCase(Locale.ROOT));
            }
            y.problem(m.get(key), "'" + key + "' cannot be '" + v + "'", "use one of: " + String.join(", ", names));
            return fallback;
        }
    }
}
