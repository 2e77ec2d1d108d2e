package ai.aideon.providers.simulator;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.provider.ChatCall;
import ai.aideon.core.provider.ChatProvider;
import ai.aideon.core.provider.EmbeddingProvider;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.api.Usage;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A deterministic, in-process stand-in for an upstream (the local engine, or Together in demo mode). No network.
 * Answers depend only on (seed, model, messages, request seed); faults come from a seeded generator, so a run is
 * reproducible call by call. {@link #setDown(boolean)} simulates killing the engine. Thread-safe.
 */
public final class SimulatorProvider implements ChatProvider, EmbeddingProvider {
    private static final String FINGERPRINT = "fp_aideon_sim";

    private final SimulatorSettings settings;
    private final Pause pause;
    /** Draws for fault injection; guarded by its own lock so concurrent calls consume a single sequence. */
    private final SplittableRandom faults;
    private volatile boolean down;

    public SimulatorProvider(SimulatorSettings settings, Pause pause) {
        this.settings = settings;
        this.pause = pause;
        this.faults = new SplittableRandom(settings.seed());
    }

    @Override
    public String name() {
        return settings.name();
    }

    public SimulatorSettings settings() {
        return settings;
    }

    /** Simulates stopping (true) or restarting (false) the engine. */
    public void setDown(boolean down) {
        this.down = down;
    }

    public boolean isDown() {
        return down;
    }

    @Override
    public ChatResponse chat(ChatCall call) throws ProviderException {
        checkUp(null, Function.identity());
        String model = model(call);
        SimulatorSettings.ModelBehaviour behaviour = settings.behaviour(model);
        FaultDraw draw = drawFaults();
        failIfOverloaded(model, behaviour, draw);
        SimulatedCompletion completion = AnswerPlanner.plan(settings.seed(), model, call.request());
        Duration latency = settings.firstTokenLatency().plus(behaviour.extraLatency())
                .plus(settings.perTokenLatency().multipliedBy(Math.max(0, completion.completionTokens() - 1)));
        await(latency, call.timeout(), Function.identity());
        checkUp(null, Function.identity());
        return response(call.request(), model, completion);
    }

    @Override
    public ChatStream stream(ChatCall call) throws ProviderException {
        checkUp(null, Function.identity());
        String model = model(call);
        SimulatorSettings.ModelBehaviour behaviour = settings.behaviour(model);
        FaultDraw draw = drawFaults();
        failIfOverloaded(model, behaviour, draw);
        SimulatedCompletion completion = AnswerPlanner.plan(settings.seed(), model, call.request());
        int breakBefore = -1;
        if (draw.midStream() < behaviour.midStreamFailureRate()) {
            int tokenChunks = SimulatorStream.tokenChunkCount(completion);
            breakBefore = 1 + (int) (draw.breakPoint() * Math.max(1, tokenChunks - 1));
        }
        return new SimulatorStream(this, completion, settings.firstTokenLatency().plus(behaviour.extraLatency()),
                settings.perTokenLatency(), breakBefore, call.timeout());
    }

    /**
     * Simulated embeddings: a deterministic unit vector per (seed, model, text), so equal texts get equal vectors
     * and different texts nearly orthogonal ones. 384 dimensions unless the request asks for fewer. They carry no
     * meaning; the demo's local route uses the real in-process model for that.
     */
    @Override
    public EmbeddingResponse embed(ModalityCall<EmbeddingRequest> call) throws ProviderException {
        checkUp(null, Function.identity());
        String model = call.model().upstreamId();
        SimulatorSettings.ModelBehaviour behaviour = settings.behaviour(model);
        failIfOverloaded(model, behaviour, drawFaults());
        await(settings.firstTokenLatency().plus(behaviour.extraLatency()), call.timeout(), Function.identity());
        int dims = call.request().dimensions() != null ? call.request().dimensions() : 384;
        List<float[]> vectors = new ArrayList<>(call.request().inputs().size());
        long tokens = 0;
        for (String text : call.request().inputs()) {
            SplittableRandom r = new SplittableRandom(settings.seed() * 31 + (model + "\u0000" + text).hashCode());
            float[] v = new float[dims];
            double norm = 0;
            for (int i = 0; i < dims; i++) {
                v[i] = (float) r.nextGaussian();
                norm += v[i] * v[i];
            }
            float scale = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < dims; i++) {
                v[i] *= scale;
            }
            vectors.add(v);
            tokens += ai.aideon.core.route.TokenCounter.cl100k().count(text);
        }
        return new EmbeddingResponse(model, vectors, new Usage(tokens, 0));
    }

    private ChatResponse response(ChatRequest r, String model, SimulatedCompletion completion) {
        List<ChatChoice> choices = new ArrayList<>(completion.choices().size());
        for (SimulatedCompletion.Choice c : completion.choices()) {
            ChatMessage message = c.text() != null ? ChatMessage.assistant(c.text(), null)
                    : ChatMessage.assistant(null, List.of(c.toolCall()));
            choices.add(new ChatChoice(c.index(), message, c.finishReason()));
        }
        String id = "chatcmpl-sim-" + Long.toHexString(AnswerPlanner.fingerprint(settings.seed(), model, r) >>> 8);
        return new ChatResponse(id, System.currentTimeMillis() / 1000, model, choices, completion.usage(),
                FINGERPRINT);
    }

    private record FaultDraw(double error, double midStream, double breakPoint) {
    }

    /** Always three draws per call, so one model's fault settings do not shift another's sequence. */
    private FaultDraw drawFaults() {
        synchronized (faults) {
            return new FaultDraw(faults.nextDouble(), faults.nextDouble(), faults.nextDouble());
        }
    }

    private void failIfOverloaded(String model, SimulatorSettings.ModelBehaviour behaviour, FaultDraw draw)
            throws ProviderException {
        if (draw.error() < behaviour.errorRate()) {
            throw new ProviderException(Kind.OVERLOADED,
                    settings.name() + ": simulated overload of model '" + model + "'", 503, null, null, null);
        }
    }

    /** Throws UNAVAILABLE (status 0, like a refused connection) while the simulated engine is down. */
    void checkUp(String midStreamNote, Function<ProviderException, ProviderException> onFailure)
            throws ProviderException {
        if (down) {
            throw onFailure.apply(midStreamNote == null
                    ? unavailable("connection refused (simulated engine '" + settings.name() + "' is down)")
                    : unavailable("simulated engine '" + settings.name() + "' " + midStreamNote));
        }
    }

    /** Waits like the upstream would; a wait longer than the call's timeout ends in TIMEOUT after the timeout. */
    void await(Duration wait, Duration timeout, Function<ProviderException, ProviderException> onFailure)
            throws ProviderException {
        boolean timesOut = timeout != null && wait.compareTo(timeout) > 0;
        try {
            pause.pause(timesOut ? timeout : wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw onFailure.apply(new ProviderException(Kind.UNAVAILABLE, settings.name() + ": interrupted", 0, null,
                    null, e));
        }
        if (timesOut) {
            throw onFailure.apply(new ProviderException(Kind.TIMEOUT,
                    settings.name() + ": simulated upstream did not answer within " + timeout, 0, null, null, null));
        }
    }

    ProviderException unavailable(String message) {
        return new ProviderException(Kind.UNAVAILABLE, settings.name() + ": " + message, 0, null, null, null);
    }

    private static String model(ChatCall call) {
        return call.model() != null ? call.model().upstreamId() : call.request().model();
    }
}
