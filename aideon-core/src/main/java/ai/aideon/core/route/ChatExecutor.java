package ai.aideon.core.route;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.Role;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.provider.ChatCall;
import ai.aideon.core.provider.ChatProvider;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Walks a {@link RoutePlan}: calls each candidate through its breaker, retries retryable failures with backoff,
 * falls back on fallbackable ones, surfaces the rest, and runs the quality gate when the role asks for it.
 *
 * <p>What happens after a failure is decided by {@link ProviderException.Kind} alone: retryable kinds are retried
 * on the same candidate while retries last (then fall back), other fallbackable kinds move to the next candidate at
 * once, and BAD_REQUEST / CONTENT_POLICY end the request immediately — another model would not fix the request,
 * and trying to get around a safety refusal elsewhere is not ours to do.
 *
 * <p>Streams fall back only until the first chunk has arrived; after that the client has headers and bytes, so a
 * failure must reach it as an error event instead.
 */
public final class ChatExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(ChatExecutor.class);
    static final String BREAKER_OPEN = "breaker_open";
    static final String NO_PROVIDER = "no_provider";

    private final Function<String, ChatProvider> providers;
    private final HealthRegistry health;
    private final ExecutorSettings settings;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final QualityGate gate;

    public ChatExecutor(Function<String, ChatProvider> providers, HealthRegistry health, ExecutorSettings settings,
                        Sleeper sleeper, RandomGenerator random, QualityGate gate) {
        this.providers = providers;
        this.health = health;
        this.settings = settings;
        this.sleeper = sleeper;
        this.random = random;
        this.gate = gate;
    }

    public ChatOutcome execute(ChatRequest request, RoutePlan plan) throws AllAttemptsFailedException {
        boolean gateOn = plan.role() == Role.QUALITY && !request.stream() && gate != null;
        Trail trail = new Trail(plan);
        // Best answer that failed the gate: returned if no later candidate does better.
        ChatResponse best = null;
        ModelSpec bestModel = null;
        int bestIndex = -1;
        double bestScore = -1;

        List<Candidate> candidates = plan.candidates();
        for (int i = 0; i < candidates.size(); i++) {
            ModelSpec m = candidates.get(i).model();
            ChatProvider provider = trail.enter(i, m);
            if (provider == null) {
                continue;
            }
            for (int retry = 0; ; retry++) {
                if (!trail.acquire(m)) {
                    break;
                }
                long start = System.nanoTime();
                ChatResponse response;
                try {
                    response = callChat(provider, new ChatCall(request, m, settings.callTimeout()));
                } catch (ProviderException e) {
                    Next next = trail.failed(m, System.nanoTime() - start, e, retry);
                    if (next == Next.RETRY) {
                        continue;
                    }
                    if (next == Next.SURFACE) {
                        if (best != null) {
                            // We already hold a real answer; a later candidate's refusal should not discard it.
                            return new ChatOutcome(best, bestModel, trail.attempts, trail.header(bestIndex),
                                    bestScore);
                        }
                        throw trail.allFailed(i);
                    }
                    break;
                }
                long nanos = System.nanoTime() - start;
                health.onSuccess(m, nanos);
                if (!gateOn) {
                    trail.record(m, "ok", nanos);
                    return new ChatOutcome(response, m, trail.attempts, trail.header(i), null);
                }
                QualityVerdict verdict = assess(request, response);
                if (verdict == null || verdict.score() >= settings.qualityThreshold()) {
                    trail.record(m, "ok", nanos);
                    return new ChatOutcome(response, m, trail.attempts, trail.header(i),
                            verdict == null ? null : verdict.score());
                }
                String outcome = String.format(Locale.ROOT, "quality(%.2f)", verdict.score());
                trail.record(m, outcome, nanos);
                trail.movedOn(outcome);
                if (verdict.score() > bestScore) {
                    best = response;
                    bestModel = m;
                    bestIndex = i;
                    bestScore = verdict.score();
                }
                break;
            }
        }
        if (best != null) {
            return new ChatOutcome(best, bestModel, trail.attempts, trail.header(bestIndex), bestScore);
        }
        throw trail.allFailed(trail.lastIndex);
    }

    /** One call to one candidate of a non-chat modality (embeddings, speech, transcription, images). */
    @FunctionalInterface
    public interface ProviderCall<P, T> {
        T call(P provider, ModelSpec model, Duration timeout) throws ProviderException;
    }

    /** The result of {@link #call}: what the serving candidate returned and how we got there. */
    public record CallOutcome<T>(T result, ModelSpec served, List<Attempt> attempts, String routeHeader) {
        public CallOutcome {
            attempts = List.copyOf(attempts);
        }
    }

    /**
     * Runs a non-chat request through its plan with exactly the chat path's rules: breakers, retries with backoff
     * honouring Retry-After, fallback by failure kind, and the same {@code x-aideon-route} header.
     *
     * @param lookup the provider of the modality by configured name (null when it doesn't serve it)
     */
    public <P, T> CallOutcome<T> call(RoutePlan plan, Function<String, P> lookup, ProviderCall<P, T> fn)
            throws AllAttemptsFailedException {
        Trail trail = new Trail(plan);
        List<Candidate> candidates = plan.candidates();
        for (int i = 0; i < candidates.size(); i++) {
            ModelSpec m = candidates.get(i).model();
            P provider = trail.enter(i, m, lookup);
            if (provider == null) {
                continue;
            }
            for (int retry = 0; ; retry++) {
                if (!trail.acquire(m)) {
                    break;
                }
                long start = System.nanoTime();
                T result;
                try {
                    try {
                        result = fn.call(provider, m, settings.callTimeout());
                    } catch (RuntimeException e) {
                        throw unexpected(m.provider(), e);
                    }
                } catch (ProviderException e) {
                    Next next = trail.failed(m, System.nanoTime() - start, e, retry);
                    if (next == Next.RETRY) {
                        continue;
                    }
                    if (next == Next.SURFACE) {
                        throw trail.allFailed(i);
                    }
                    break;
                }
                long nanos = System.nanoTime() - start;
                health.onSuccess(m, nanos);
                trail.record(m, "ok", nanos);
                return new CallOutcome<>(result, m, trail.attempts, trail.header(i));
            }
        }
        throw trail.allFailed(trail.lastIndex);
    }

    /**
     * Opens a stream through the plan with {@link #call}'s rules; a candidate counts as served once its first chunk
     * has arrived (a failure before that still falls back).
     */
    public StreamOutcome openStream(ChatRequest request, RoutePlan plan) throws AllAttemptsFailedException {
        CallOutcome<OpenedStream> o = call(plan, providers,
                (provider, m, timeout) -> openFirstChunk(provider, new ChatCall(request, m, timeout)));
        OpenedStream opened = o.result();
        return new StreamOutcome(new FirstChunkReplayStream(opened.first(), opened.stream(), o.served(), health,
                opened.startNanos()), o.served(), o.attempts(), o.routeHeader());
    }

    /** A stream whose first chunk has arrived, and when it was asked for. */
    private record OpenedStream(ChatStream stream, ChatChunk first, long startNanos) {
    }

    /** Opens the stream and reads its first chunk; on failure closes what was opened. */
    private static OpenedStream openFirstChunk(ChatProvider provider, ChatCall call) throws ProviderException {
        long start = System.nanoTime();
        ChatStream stream = openStream(provider, call);
        try {
            return new OpenedStream(stream, nextChunk(stream), start);
        } catch (ProviderException e) { // nextChunk maps runtime failures to ProviderException
            closeQuietly(stream);
            throw e;
        }
    }

    private QualityVerdict assess(ChatRequest request, ChatResponse response) {
        try {
            return gate.assess(request, response);
        } catch (RuntimeException e) {
            // A broken gate must not turn a good answer into an outage: accept it ungraded.
            LOG.warn("quality gate failed; accepting the answer without a score", e);
            return null;
        }
    }

    /** Providers must map every failure to ProviderException; a stray runtime exception still falls back. */
    private static ChatResponse callChat(ChatProvider provider, ChatCall call) throws ProviderException {
        try {
            return provider.chat(call);
        } catch (RuntimeException e) {
            throw unexpected(provider.name(), e);
        }
    }

    private static ChatStream openStream(ChatProvider provider, ChatCall call) throws ProviderException {
        try {
            return provider.stream(call);
        } catch (RuntimeException e) {
            throw unexpected(provider.name(), e);
        }
    }

    static ChatChunk nextChunk(ChatStream stream) throws ProviderException {
        try {
            return stream.next();
        } catch (RuntimeException e) {
            throw unexpected("stream", e);
        }
    }

    static ProviderException unexpected(String where, RuntimeException e) {
        LOG.warn("provider {} threw instead of reporting a ProviderException", where, e);
        return new ProviderException(ProviderException.Kind.UNAVAILABLE,
                "provider " + where + " failed unexpectedly: " + e.getClass().getSimpleName(), 0, null, null, e);
    }

    static void closeQuietly(ChatStream stream) {
        try {
            stream.close();
        } catch (RuntimeException e) {
            LOG.debug("closing a failed stream threw", e);
        }
    }

    private enum Next { RETRY, FALL_BACK, SURFACE }

    /**
     * The record of one execution: attempts, which providers were tried (for {@code x-aideon-route}), the failure
     * that surfaces if all fail, and the retry/backoff decisions.
     */
    private final class Trail {
        final RoutePlan plan;
        final int retriesAllowed;
        final List<Attempt> attempts = new ArrayList<>(4);
        final StringBuilder providersTried = new StringBuilder(32);
        /** Why we left the plan's first candidate: the {@code fallback(…)} part of the route header. */
        String firstCause;
        int lastIndex = -1;
        ProviderException last;

        Trail(RoutePlan plan) {
            this.plan = plan;
            this.retriesAllowed = plan.role() == Role.CRITICAL
                    ? settings.criticalRetriesPerCandidate() : settings.retriesPerCandidate();
        }

        /** Starts a candidate; returns its chat provider, or null (recorded as {@code no_provider}) to skip it. */
        ChatProvider enter(int index, ModelSpec m) {
            return enter(index, m, providers);
        }

        /** Starts a candidate with a provider lookup of any kind; null (recorded as {@code no_provider}) skips it. */
        <P> P enter(int index, ModelSpec m, Function<String, P> lookup) {
            if (!providersTried.isEmpty()) {
                providersTried.append("->"); // ASCII: HTTP header values are ISO-8859-1, an arrow would arrive as '?'
            }
            providersTried.append(m.provider());
            lastIndex = index;
            P provider = lookup.apply(m.provider());
            if (provider == null) {
                record(m, NO_PROVIDER, 0);
                last = new ProviderException(ProviderException.Kind.UNAVAILABLE,
                        "No provider named '" + m.provider() + "' is configured for model " + m.id());
                movedOn(NO_PROVIDER);
            }
            return provider;
        }

        /** Asks the breaker; a refusal is recorded and moves on to the next candidate. */
        boolean acquire(ModelSpec m) {
            if (health.tryAcquire(m)) {
                return true;
            }
            record(m, BREAKER_OPEN, 0);
            last = new ProviderException(ProviderException.Kind.UNAVAILABLE,
                    "Provider " + m.provider() + " is failing for model " + m.id()
                            + " (circuit breaker open); try again shortly.");
            movedOn(BREAKER_OPEN);
            return false;
        }

        void record(ModelSpec m, String outcome, long nanos) {
            attempts.add(new Attempt(m.provider(), m.id(), outcome, nanos / 1_000_000));
        }

        void movedOn(String cause) {
            if (firstCause == null) {
                firstCause = cause;
            }
        }

        /** Records a failed try and decides what comes next, sleeping first when that is a retry. */
        Next failed(ModelSpec m, long nanos, ProviderException e, int retry) throws AllAttemptsFailedException {
            health.onFailure(m, nanos, e);
            record(m, e.shortCause(), nanos);
            last = e;
            ProviderException.Kind kind = e.kind();
            if (kind.retryable() && retry < retriesAllowed) {
                Duration wait = waitBeforeRetry(e, retry);
                if (wait != null) {
                    try {
                        sleeper.sleep(wait);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw allFailed(lastIndex);
                    }
                    return Next.RETRY;
                }
            }
            if (kind.fallbackable()) {
                movedOn(e.shortCause());
                return Next.FALL_BACK;
            }
            return Next.SURFACE;
        }

        /**
         * The upstream's Retry-After when it gave one we are willing to wait for; none (→ fall back now) when it
         * asks for longer than {@code maxRetryAfter}; otherwise exponential backoff with full jitter, which spreads
         * retries from many requests hitting the same overloaded upstream.
         */
        Duration waitBeforeRetry(ProviderException e, int retry) {
            Duration retryAfter = e.retryAfter().orElse(null);
            if (retryAfter != null) {
                return retryAfter.compareTo(settings.maxRetryAfter()) <= 0 ? retryAfter : null;
            }
            long base = settings.baseBackoff().toNanos();
            long cap = settings.maxBackoff().toNanos();
            long ceiling = retry >= 62 || base > (cap >> Math.min(retry, 62)) ? cap : Math.min(cap, base << retry);
            return Duration.ofNanos((long) (random.nextDouble() * ceiling));
        }

        AllAttemptsFailedException allFailed(int index) {
            ProviderException cause = last != null ? last : new ProviderException(
                    ProviderException.Kind.UNAVAILABLE, "The route plan had no candidate to try.");
            return new AllAttemptsFailedException(cause, attempts, header(index));
        }

        /**
         * {@code local->together:fallback(503),role=critical}: every candidate tried, then whether the plan's first
         * candidate produced the result or why we left it.
         */
        String header(int resultIndex) {
            StringBuilder sb = new StringBuilder(providersTried.length() + 32).append(providersTried).append(':');
            if (resultIndex <= 0 || firstCause == null) {
                sb.append("primary");
            } else {
                sb.append("fallback(").append(firstCause).append(')');
            }
            if (plan.role() != null && plan.role() != Role.PRIMARY) {
                sb.append(",role=").append(plan.role().wire());
            }
            return sb.toString();
        }
    }

    /**
     * Replays the chunk read while choosing the route, then hands out the upstream's. Failures from here on are the
     * caller's to report (no fallback), but they still tell the breaker the upstream is struggling.
     */
    private static final class FirstChunkReplayStream implements ChatStream {
        private final ChatChunk first;
        private final ChatStream delegate;
        private final ModelSpec model;
        private final HealthRegistry health;
        private final long startNanos;
        private boolean replayed;
        private boolean ended;

        FirstChunkReplayStream(ChatChunk first, ChatStream delegate, ModelSpec model, HealthRegistry health,
                               long startNanos) {
            this.first = first;
            this.delegate = delegate;
            this.model = model;
            this.health = health;
            this.startNanos = startNanos;
            this.ended = first == null;
        }

        @Override
        public ChatChunk next() throws ProviderException {
            if (!replayed) {
                replayed = true;
                return first;
            }
            if (ended) {
                return null;
            }
            try {
                ChatChunk chunk = nextChunk(delegate);
                if (chunk == null) {
                    ended = true;
                }
                return chunk;
            } catch (ProviderException e) {
                ended = true;
                health.onStreamFailure(model, System.nanoTime() - startNanos, e);
                throw e;
            }
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
