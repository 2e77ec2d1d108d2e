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
import ai.aideon.core.api.SpeechAudio;
import ai.aideon.core.api.SpeechRequest;
import ai.aideon.core.api.Transcription;
import ai.aideon.core.api.TranscriptionRequest;
import ai.aideon.core.api.GeneratedImages;
import ai.aideon.core.api.ImageRequest;
import ai.aideon.core.provider.ImageProvider;
import ai.aideon.core.provider.SpeechProvider;
import ai.aideon.core.provider.TranscriptionProvider;
import ai.aideon.providers.local.LocalEngines;
import ai.aideon.core.api.Usage;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A deterministic, in-process stand-in for an upstream (the local engine, or Together in demo mode). No network.
 * Answers depend only on (seed, model, messages, request seed); faults come from a seeded generator, so a run is
 * reproducible call by call. {@link #setDown(boolean)} simulates killing the engine. Thread-safe.
 *
 * <p>Speech and transcription stand in for Together's cartesia/sonic and Whisper in demo mode: speech is a quiet
 * tone sequence as long as the text would take to say, transcription a made-up sentence naming the clip's length.
 * Both fail, go down and wait exactly like chat. Images stand in for Together's image models: real PNGs of the
 * requested size (see {@link SimulatedImage}), the same bytes for the same prompt, seed and model.
 */
public final class SimulatorProvider implements ChatProvider, EmbeddingProvider, SpeechProvider,
        TranscriptionProvider, ImageProvider {
    private static final String FINGERPRINT = "fp_aideon_sim";

    private final SimulatorSettings settings;
    private final Pause pause;
    /** Draws for fault injection; guarded by its own lock so concurrent calls consume a single sequence. */
    private final SplittableRandom faults;
    /** Encodes mp3 and flac when the machine has it; wav and pcm never need it. */
    private final String soxBinary;
    private volatile boolean down;

    public SimulatorProvider(SimulatorSettings settings, Pause pause) {
        this(settings, pause, LocalEngines.SOX);
    }

    /** @param soxBinary the sox to encode mp3/flac with: a name on the PATH or a path */
    SimulatorProvider(SimulatorSettings settings, Pause pause, String soxBinary) {
        this.settings = settings;
        this.pause = pause;
        this.faults = new SplittableRandom(settings.seed());
        this.soxBinary = soxBinary;
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

    /**
     * Simulated speech: 16-bit mono tones at 24 kHz, lasting about 60 ms per
     * character (scaled by speed, at most 30 s). wav and pcm are made directly, mp3 and flac through sox when this
     * machine has it; opus and anything else is a bad request naming what can be made.
     */
    @Override
    public SpeechAudio speak(ModalityCall<SpeechRequest> call) throws ProviderException {
        SpeechRequest r = call.request();
        if (r.input() == null || r.input().isBlank()) {
            throw badRequest("input is empty: there is nothing to say", "input");
        }
        double speed = r.speed() == 0 || Double.isNaN(r.speed()) ? 1 : r.speed();
        if (speed < 0.25 || speed > 4) {
            throw badRequest("speed must be between 0.25 and 4, not " + r.speed(), "speed");
        }
        SimulatedAudio.Format format = SimulatedAudio.Format.forRequest(r.format());
        if (format == null || format.soxType != null && !SimulatedAudio.soxCanWrite(soxBinary, format)) {
            throw badRequest("response_format " + (r.format() == null ? "mp3 (the default)" : r.format())
                    + " is not available from the simulator here; use one of: "
                    + SimulatedAudio.formatsAvailable(soxBinary), "response_format");
        }
        answerAfterLatency(call);
        byte[] pcm = SimulatedAudio.tones(settings.seed(), r.input(),
                SimulatedAudio.spokenLength(r.input().length(), speed));
        byte[] audio = switch (format) {
            case PCM -> pcm;
            case WAV -> SimulatedAudio.wav(pcm);
            case MP3, FLAC -> SimulatedAudio.transcode(soxBinary, SimulatedAudio.wav(pcm), format);
        };
        return new SpeechAudio(format.contentType, format.wireName(), new ByteArrayInputStream(audio),
                r.input().length());
    }

    /**
     * What speech, transcription and images do before answering: the simulator must be up, may fail as configured,
     * takes its latency, and must still be up afterwards. Returns the upstream model id.
     */
    private String answerAfterLatency(ModalityCall<?> call) throws ProviderException {
        checkUp(null, Function.identity());
        String model = call.model().upstreamId();
        SimulatorSettings.ModelBehaviour behaviour = settings.behaviour(model);
        failIfOverloaded(model, behaviour, drawFaults());
        await(settings.firstTokenLatency().plus(behaviour.extraLatency()), call.timeout(), Function.identity());
        checkUp(null, Function.identity());
        return model;
    }

    /**
     * Simulated transcription: "simulated transcription of 2.4 seconds of audio (clip …)", one segment spanning the
     * clip. The length is exact for a PCM WAV and guessed from the size otherwise; the language is the one asked
     * for, English by default and always for translations.
     */
    @Override
    public Transcription transcribe(ModalityCall<TranscriptionRequest> call) throws ProviderException {
        TranscriptionRequest r = call.request();
        if (r.audio() == null || r.audio().length == 0) {
            throw badRequest("file is empty: there is no audio to transcribe", "file");
        }
        answerAfterLatency(call);
        double seconds = SimulatedAudio.secondsOf(r.audio());
        String text = SimulatedAudio.transcript(r.audio(), seconds);
        String language = r.translate() || r.language() == null || r.language().isBlank() ? "en" : r.language();
        return new Transcription(text, language, seconds, List.of(new Transcription.Segment(0, 0, seconds, text)));
    }

    /**
     * Simulated image generation: {@code n} PNGs of the requested size, always bytes (the gateway hosts them when
     * the client wants URLs). Image {@code i} is drawn with seed {@code seed + i}, so the images of one request
     * differ while a repeated request gives the same ones; no seed counts as seed 0.
     */
    @Override
    public GeneratedImages generate(ModalityCall<ImageRequest> call) throws ProviderException {
        ImageRequest r = call.request();
        if (r.prompt() == null || r.prompt().isBlank()) {
            throw badRequest("prompt is empty: there is nothing to draw", "prompt");
        }
        String model = answerAfterLatency(call);
        long seed = r.seed() == null ? 0 : r.seed();
        List<GeneratedImages.Image> images = new ArrayList<>(r.n());
        for (int i = 0; i < r.n(); i++) {
            byte[] png = SimulatedImage.png(settings.seed() * 31 + seed + i, model + "\u0000" + r.prompt(), r.width(),
                    r.height());
            images.add(GeneratedImages.Image.ofBytes(png, "image/png"));
        }
        return new GeneratedImages(images);
    }

    private static ProviderException badRequest(String message, String param) {
        return new ProviderException(Kind.BAD_REQUEST, message, 0, null, param, null);
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
