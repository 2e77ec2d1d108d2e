package ai.aideon.client;

import ai.aideon.client.cache.CacheDirective;
import ai.aideon.client.cache.CachedChat;
import ai.aideon.client.cache.ChatHit;
import ai.aideon.client.cache.ChatTicket;
import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ConfigException;
import ai.aideon.client.config.ConfigLoader;
import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Usage;
import ai.aideon.core.cache.CacheScope;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.route.AllAttemptsFailedException;
import ai.aideon.core.route.ChatOutcome;
import ai.aideon.core.route.RouteContext;
import ai.aideon.core.route.RoutePlan;
import ai.aideon.core.route.RoutingException;
import ai.aideon.core.route.StreamOutcome;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The router in-process, no HTTP: same catalog, routing, fallbacks and breakers as the gateway.
 *
 * <pre>{@code
 * try (AideonClient aideon = AideonClient.fromConfig(Path.of("aideon.yaml"))) {
 *     ChatOutcome answer = aideon.chat(ChatRequest.of("aideon/text", List.of(ChatMessage.of("user", "Hi"))));
 *     System.out.println(answer.response().firstText() + " via " + answer.routeHeader());
 * }
 * }</pre>
 */
public final class AideonClient implements AutoCloseable {
    /**
     * The cache namespace of the embedded router: the application embedding it is the only "tenant". The colon keeps it
     * apart from tenant ids the gateway's key store issues.
     */
    static final String LIBRARY_TENANT = "aideon:library";

    private final AideonEngine engine;
    private final String tier;
    private final Role role;

    private AideonClient(AideonEngine engine, String tier, Role role) {
        this.engine = engine;
        this.tier = tier;
        this.role = role;
    }

    public static AideonClient fromConfig(Path path) throws ConfigException {
        return of(ConfigLoader.withSystemEnv().load(path));
    }

    /** The built-in catalog with simulated upstreams: try the API without keys or network. */
    public static AideonClient demo() throws ConfigException {
        AideonConfig config = DemoMode.apply(ConfigLoader.withSystemEnv().loadDefault());
        return of(config.withStore(DemoMode.temporaryStore(config)));
    }

    public static AideonClient of(AideonConfig config) {
        return new AideonClient(AideonEngine.start(config), "premium", null);
    }

    /** A view of this client that routes as the given tier (default premium). Shares the engine. */
    public AideonClient tier(String newTier) {
        return new AideonClient(engine, newTier, role);
    }

    /** A view that asks for a role (critical, quick, quality …) on every call. */
    public AideonClient role(Role newRole) {
        return new AideonClient(engine, tier, newRole);
    }

    public AideonEngine engine() {
        return engine;
    }

    public RoutePlan explain(ChatRequest request) throws AideonException {
        try {
            return engine.plan(request, new RouteContext(tier, role, false));
        } catch (RoutingException e) {
            throw routingFailure(e);
        }
    }

    /**
     * Answers a chat request. Deterministic requests (temperature 0 or a seed) go through the exact cache like at the
     * gateway: a repeat is answered without a provider call, with route {@code cache:exact} and no attempts.
     */
    public ChatOutcome chat(ChatRequest request) throws AideonException {
        ChatRequest plain = request.withStream(false, false);
        RoutePlan plan = explain(plain);
        ChatTicket ticket = engine.cache().chat(new CacheScope(LIBRARY_TENANT, tier, plan.role(), false), plain,
                CacheDirective.DEFAULT);
        Optional<ChatHit> hit = ticket.lookup();
        if (hit.isPresent()) {
            CachedChat c = hit.get().answer();
            return new ChatOutcome(c.response(), c.served(), List.of(), hit.get().kind().route(), null);
        }
        ChatOutcome outcome;
        try {
            outcome = engine.chat(plain, plan);
        } catch (AllAttemptsFailedException e) {
            throw attemptsFailure(e);
        }
        Usage usage = outcome.response().usage();
        ticket.store(outcome.response(), outcome.served(), usage != null ? usage : Usage.ZERO);
        return outcome;
    }

    /**
     * Streams the answer to {@code onChunk} on the calling thread and returns how it was routed. A failure after
     * the first chunk throws with code {@code stream_interrupted}: the chunks already delivered are incomplete.
     */
    public StreamOutcome stream(ChatRequest request, Consumer<ChatChunk> onChunk) throws AideonException {
        ChatRequest streaming = request.withStream(true, true);
        RoutePlan plan = explain(streaming);
        StreamOutcome outcome;
        try {
            outcome = engine.stream(streaming, plan);
        } catch (AllAttemptsFailedException e) {
            throw attemptsFailure(e);
        }
        try (ChatStream s = outcome.stream()) {
            ChatChunk c;
            while ((c = s.next()) != null) {
                onChunk.accept(c);
            }
        } catch (ProviderException e) {
            throw new AideonException(502, "stream_interrupted", "the stream broke after it had started: "
                    + e.getMessage(), e);
        }
        return outcome;
    }

    @Override
    public void close() {
        engine.close();
    }

    private static AideonException routingFailure(RoutingException e) {
        int status = switch (e.reason()) {
            case MODEL_NOT_FOUND -> 404;
            case TIER_NOT_ALLOWED -> 403;
            case CONTEXT_LENGTH_EXCEEDED, NO_CAPABLE_MODEL -> 400;
            case NO_HEALTHY_CANDIDATE, NO_LOCAL_ENGINE -> 503;
        };
        return new AideonException(status, e.reason().name().toLowerCase(java.util.Locale.ROOT), e.getMessage(), e);
    }

    private static AideonException attemptsFailure(AllAttemptsFailedException e) {
        ProviderException last = e.last();
        int status = switch (last.kind()) {
            case BAD_REQUEST, CONTENT_POLICY, CONTEXT_LENGTH -> 400;
            case RATE_LIMITED -> 429;
            case AUTH, NOT_FOUND -> 502;
            case OVERLOADED, UNAVAILABLE, TIMEOUT -> 503;
        };
        return new AideonException(status, last.kind().name().toLowerCase(java.util.Locale.ROOT),
                e.getMessage() + " (route " + e.routeHeader() + ")", e);
    }
}
