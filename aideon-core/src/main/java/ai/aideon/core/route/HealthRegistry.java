package ai.aideon.core.route;

import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.provider.ProviderException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One resilience4j circuit breaker per provider+model, created on first use. The breaker is per model, not per
 * provider, because one overloaded model at Together says little about the others there.
 *
 * <p>Time comes from the injected {@link Clock} (resilience4j 2.x reads {@code CircuitBreakerConfig.clock} for the
 * open-state wait), so tests move time instead of sleeping. Automatic open→half-open transition is left off: it
 * would need a scheduler thread; the transition happens on the next {@link #tryAcquire} after the wait instead.
 *
 * <p>Only failures that say something about the upstream count (see {@link #countsAgainstHealth}): a malformed
 * request or a too-long prompt is the caller's fault and must not open a breaker for everyone else.
 *
 * <p>Local engines are also probed in the background ({@link #reportEngine}). A breaker learns from failed requests
 * (reactive); a probe knows before any request is sent (proactive), so the router skips a dead or loading engine
 * instead of spending an attempt, and takes it back as soon as a probe finds it up again.
 */
public final class HealthRegistry implements HealthView {

    private final Clock clock;
    private final CircuitBreakerConfig config;
    private final Duration openWait;
    /** provider → model id → breaker. Two levels so a lookup allocates no composite key on the hot path. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Entry>> breakers = new ConcurrentHashMap<>();
    /** provider → latest probe result; only probed (local engine) providers appear. */
    private final ConcurrentHashMap<String, EngineHealth> engines = new ConcurrentHashMap<>();

    public HealthRegistry(Clock clock) {
        this(clock, BreakerSettings.defaults());
    }

    public HealthRegistry(Clock clock, BreakerSettings settings) {
        this.clock = clock;
        this.openWait = settings.openWait();
        this.config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openWait())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                // A long generation is not a sick upstream; slowness is handled by the call timeout instead.
                .slowCallRateThreshold(100f)
                .slowCallDurationThreshold(Duration.ofHours(1))
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build();
    }

    /**
     * Asks permission for one call. In half-open this takes one of the few trial slots, so call it only right
     * before actually calling, and always report the outcome with {@link #onSuccess} or {@link #onFailure}.
     */
    public boolean tryAcquire(ModelSpec m) {
        return entry(m).breaker.tryAcquirePermission();
    }

    public void onSuccess(ModelSpec m, long durationNanos) {
        entry(m).breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
    }

    /** Reports a failed call that {@link #tryAcquire} allowed. Caller-fault kinds just hand the permit back. */
    public void onFailure(ModelSpec m, long durationNanos, ProviderException e) {
        CircuitBreaker cb = entry(m).breaker;
        if (countsAgainstHealth(e.kind())) {
            cb.onError(durationNanos, TimeUnit.NANOSECONDS, e);
        } else {
            cb.releasePermission();
        }
    }

    /**
     * Reports a stream that broke after it was opened (and already reported as a success). No permit is held any
     * more, so caller-fault kinds are simply ignored rather than releasing a permit nobody took.
     */
    public void onStreamFailure(ModelSpec m, long durationNanos, ProviderException e) {
        if (countsAgainstHealth(e.kind())) {
            entry(m).breaker.onError(durationNanos, TimeUnit.NANOSECONDS, e);
        }
    }

    /**
     * Upstream trouble (overload, timeouts, outages) and our own misconfiguration for that upstream (bad key,
     * unknown model) count: in both cases more calls to it are wasted. BAD_REQUEST, CONTENT_POLICY and
     * CONTEXT_LENGTH are about this one request.
     */
    static boolean countsAgainstHealth(ProviderException.Kind kind) {
        return switch (kind) {
            case RATE_LIMITED, OVERLOADED, TIMEOUT, UNAVAILABLE, AUTH, NOT_FOUND -> true;
            case BAD_REQUEST, CONTENT_POLICY, CONTEXT_LENGTH -> false;
        };
    }

    /** True unless the breaker is open (or forced open) and its wait has not elapsed. Consumes nothing. */
    @Override
    public boolean isAvailable(ModelSpec m) {
        Entry e = existing(m);
        if (e == null) {
            return true;
        }
        return switch (e.breaker.getState()) {
            case OPEN -> {
                Instant until = e.openUntil;
                // strictly after, exactly as resilience4j's OpenState decides when to let the first trial through
                yield until != null && clock.instant().isAfter(until);
            }
            case FORCED_OPEN -> false;
            default -> true;
        };
    }

    @Override
    public String state(ModelSpec m) {
        Entry e = existing(m);
        return e == null ? "closed" : wire(e.breaker.getState());
    }

    /**
     * Records what a health probe of a local engine found; the state holds until the next report. Returns the
     * previous result (null for the first), so the caller can log changes rather than every probe.
     */
    public EngineHealth reportEngine(String provider, EngineState state, String detail) {
        return engines.put(provider, new EngineHealth(state, detail, clock.instant()));
    }

    /** The latest probe result of a provider, or null when it was never probed. */
    public EngineHealth engine(String provider) {
        return engines.get(provider);
    }

    @Override
    public String engineUnavailable(ModelSpec m) {
        EngineHealth h = engines.get(m.provider());
        if (h == null || h.up()) {
            return null;
        }
        return "engine " + h.state().wire() + (h.detail() == null ? "" : ": " + h.detail());
    }

    /** {@code provider:modelId} → state, sorted, for the health endpoint. Models never called are absent. */
    public Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        breakers.forEach((provider, models) -> models.forEach(
                (modelId, e) -> out.put(provider + ":" + modelId, wire(e.breaker.getState()))));
        return out;
    }

    private static String wire(CircuitBreaker.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private Entry existing(ModelSpec m) {
        Map<String, Entry> models = breakers.get(m.provider());
        return models == null ? null : models.get(m.id());
    }

    private Entry entry(ModelSpec m) {
        Entry e = existing(m);
        if (e != null) {
            return e;
        }
        return breakers.computeIfAbsent(m.provider(), p -> new ConcurrentHashMap<>())
                .computeIfAbsent(m.id(), id -> newEntry(m.provider() + ":" + id));
    }

    private Entry newEntry(String name) {
        Entry e = new Entry(CircuitBreaker.of(name, config));
        // resilience4j keeps the end of the open wait private; track it ourselves so isAvailable can answer
        // without calling tryAcquirePermission (which would start a half-open trial).
        e.breaker.getEventPublisher().onStateTransition(ev -> e.openUntil =
                ev.getStateTransition().getToState() == CircuitBreaker.State.OPEN
                        ? clock.instant().plus(openWait) : null);
        return e;
    }

    private static final class Entry {
        final CircuitBreaker breaker;
        volatile Instant openUntil;

        Entry(CircuitBreaker breaker) {
            this.breaker = breaker;
        }
    }
}
