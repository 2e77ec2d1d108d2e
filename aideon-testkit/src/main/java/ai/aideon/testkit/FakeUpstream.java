package ai.aideon.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A faithful fake of an upstream AI provider on 127.0.0.1, for tests and the latency benchmark.
 *
 * <p>The flavours follow PROVIDERS.md: {@link #together()} (also its image generation and image CDN),
 * {@link #openAi()}, {@link #ollama()} (native API plus its OpenAI-compatible {@code /v1}), and the local servers {@link #llamaCpp()}, {@link #vllm()} and
 * {@link #whisperCpp()} with their health and model endpoints. Local engines can be taken down and brought back on
 * the same port ({@link #stop()}, {@link #restart()}), and llama.cpp and whisper.cpp can be put in their
 * model-loading state ({@link #loading(boolean)}). Answers are deterministic (see
 * {@link ReplyPlanner}: {@code "Echo: <first words of the last user message>. This reply comes from a fake
 * upstream."}, one token per whitespace-separated word) and failures are injected per request via
 * {@link #faults()}.
 *
 * <pre>{@code
 * try (FakeUpstream up = FakeUpstream.together().models("m1").start()) {
 *     up.faults().next(Fault.rateLimited(2));
 *     // point the adapter at up.baseUrl() + "/v1" with key "test-key"
 * }
 * }</pre>
 *
 * <p>Configuration methods may be called before or after {@link #start()}; changes apply to later requests.
 */
public final class FakeUpstream implements AutoCloseable {

    /** The most recent requests kept for {@link #requests()}; older ones are dropped so benchmarks stay bounded. */
    static final int MAX_RECORDED = 10_000;

    private final Flavor flavor;
    private final ModelCatalog catalog;
    private final Faults faults = new Faults();
    private final Ids ids = new Ids();
    private final OpenAiRoutes openAiRoutes = new OpenAiRoutes(this);
    private final OllamaRoutes ollamaRoutes = new OllamaRoutes(this);
    private final ImageRoutes imageRoutes = new ImageRoutes(this);
    private final LlamaCppRoutes llamaCppRoutes = new LlamaCppRoutes(this);
    private final VllmRoutes vllmRoutes = new VllmRoutes(this);
    private final WhisperCppRoutes whisperRoutes = new WhisperCppRoutes(this);
    private final Object loadingLock = new Object();
    private volatile boolean loading;
    private final ArrayDeque<RecordedRequest> recorded = new ArrayDeque<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private volatile String apiKey = "test-key";
    private volatile Duration tokenDelay = Duration.ZERO;
    private volatile int maxImagesPerRequest = 4;
    private volatile String imageDefaultResponseFormat = "url";
    private volatile LoopbackHttpServer server;
    private volatile int port = -1;

    private FakeUpstream(Flavor flavor) {
        this.flavor = flavor;
        this.catalog = new ModelCatalog(flavor);
    }

    /** Together AI: base path {@code /v1}, Bearer key required, {@code eos} finish reasons, bare-array model list. */
    public static FakeUpstream together() {
        return new FakeUpstream(Flavor.TOGETHER);
    }

    /** OpenAI-compatible server (OpenAI, vLLM, llama.cpp style): base path {@code /v1}, Bearer key required. */
    public static FakeUpstream openAi() {
        return new FakeUpstream(Flavor.OPENAI);
    }

    /** Native Ollama ({@code /api/*}, {@code GET /}) plus its OpenAI-compatible {@code /v1}; no auth. */
    public static FakeUpstream ollama() {
        return new FakeUpstream(Flavor.OLLAMA);
    }

    /**
     * llama.cpp's {@code llama-server} (PROVIDERS.md 7.3): {@code /health}, {@code /props}, a one-model
     * {@code /v1/models}, OpenAI chat/completions/embeddings with llama.cpp's error shape. Like the real server it
     * serves whatever {@code model} a request names, and needs no key unless {@link #apiKey} sets one.
     */
    public static FakeUpstream llamaCpp() {
        return new FakeUpstream(Flavor.LLAMACPP).apiKey(null);
    }

    /**
     * vLLM's OpenAI server (PROVIDERS.md 7.4): {@code /health} (200, empty), {@code /version}, {@code /v1/models} with
     * {@code max_model_len}, OpenAI chat/completions/embeddings with vLLM's error shape. No key unless set.
     */
    public static FakeUpstream vllm() {
        return new FakeUpstream(Flavor.VLLM).apiKey(null);
    }

    /**
     * whisper.cpp's {@code whisper-server}: {@code GET /}, {@code GET /health}, {@code POST /inference} (multipart;
     * json, text, srt, vtt, verbose_json with the real content types) and {@code POST /load}. No auth.
     */
    public static FakeUpstream whisperCpp() {
        return new FakeUpstream(Flavor.WHISPER_CPP).apiKey(null);
    }

    /** Bearer key the Together/OpenAI flavours require (default {@code "test-key"}); null disables auth. Ollama ignores it. */
    public FakeUpstream apiKey(String key) {
        this.apiKey = key;
        return this;
    }

    /** Pause between streamed chunks (default zero). */
    public FakeUpstream tokenDelay(Duration d) {
        Objects.requireNonNull(d, "tokenDelay");
        if (d.isNegative()) throw new IllegalArgumentException("negative tokenDelay");
        this.tokenDelay = d;
        return this;
    }

    /** Restricts the served models; others get the provider's 404. By default any model name is accepted. */
    public FakeUpstream models(String... ids) {
        catalog.serveOnly(ids);
        return this;
    }

    /**
     * Context window of a model, in the fake's tokens (words). A longer prompt gets the provider's 400 (OpenAI:
     * {@code context_length_exceeded}); Ollama truncates silently instead. The completion is capped at the room left.
     * The OpenAI flavour also rejects an embeddings input longer than the window.
     */
    public FakeUpstream contextWindow(String modelId, int tokens) {
        catalog.contextWindow(modelId, tokens);
        return this;
    }

    /**
     * Together flavour: the most images one {@code POST /v1/images/generations} may ask for ({@code n}); more is
     * Together's 400 naming {@code n}. Default 4, the limit Together's image docs give.
     */
    public FakeUpstream maxImagesPerRequest(int max) {
        if (max < 1) throw new IllegalArgumentException("maxImagesPerRequest must be >= 1");
        this.maxImagesPerRequest = max;
        return this;
    }

    /**
     * Ollama: what {@code /api/show} lists as the model's {@code capabilities} (e.g. {@code completion},
     * {@code tools}, {@code vision}, {@code embedding}). Without this, names with "embed" are embedding models,
     * names with "llava" or "vision" see images, and the rest are tool-capable chat models.
     */
    public FakeUpstream capabilities(String modelId, String... capabilities) {
        catalog.capabilities(modelId, List.of(capabilities));
        return this;
    }

    /** Ollama: a {@code num_ctx} in the model's Modelfile, reported in {@code /api/show}'s {@code parameters}. */
    public FakeUpstream modelfileNumCtx(String modelId, int numCtx) {
        catalog.modelfileNumCtx(modelId, numCtx);
        return this;
    }

    /**
     * Together flavour: what an image request without {@code response_format} gets, {@code "url"} (default) or
     * {@code "base64"}. Together's spec does not say, so tests can pick either.
     */
    public FakeUpstream imageDefaultResponseFormat(String format) {
        if (!"url".equals(format) && !"base64".equals(format)) {
            throw new IllegalArgumentException("imageDefaultResponseFormat must be url or base64");
        }
        this.imageDefaultResponseFormat = format;
        return this;
    }

    /**
     * The model-loading state of llama.cpp and whisper.cpp. llama.cpp then answers 503 {@code unavailable_error}
     * "Loading model" on every route except {@code /v1/models} (listed with {@code meta: null}); whisper.cpp answers
     * 503 {@code {"status":"loading model"}} on {@code /health} and holds {@code /inference} until loading ends, as its
     * model lock does. Other flavours have no such state.
     */
    public FakeUpstream loading(boolean on) {
        if (flavor != Flavor.LLAMACPP && flavor != Flavor.WHISPER_CPP) {
            throw new IllegalStateException(flavor + " has no model-loading state");
        }
        synchronized (loadingLock) {
            loading = on;
            loadingLock.notifyAll();
        }
        return this;
    }

    /** whisper.cpp: the model path of the last successful {@code POST /load} (else the first served model). */
    public String loadedModel() {
        if (flavor != Flavor.WHISPER_CPP) throw new IllegalStateException(flavor + " has no /load");
        return whisperRoutes.loadedModel();
    }

    /** Binds 127.0.0.1 on an ephemeral port and starts serving. */
    public FakeUpstream start() {
        if (server != null) throw new IllegalStateException("already started");
        bind(0);
        return this;
    }

    /** The engine "crashes": the port stops accepting (connection refused) and open connections are closed. */
    public FakeUpstream stop() {
        LoopbackHttpServer s = server;
        if (s == null) throw new IllegalStateException("not started");
        s.close();
        return this;
    }

    /** The engine comes back on the same port, with the same models, faults and counters. */
    public FakeUpstream restart() {
        if (port < 0) throw new IllegalStateException("never started");
        bind(port);
        return this;
    }

    private void bind(int wanted) {
        LoopbackHttpServer s = new LoopbackHttpServer("fake-" + flavor.name().toLowerCase(java.util.Locale.ROOT),
                this::handle);
        try {
            port = s.start(wanted);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind fake upstream", e);
        }
        server = s;
    }

    public int port() {
        if (port < 0) throw new IllegalStateException("not started");
        return port;
    }

    /** {@code http://127.0.0.1:<port>} without any {@code /v1} suffix. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public Faults faults() {
        return faults;
    }

    /** Snapshot of received requests (the latest {@value #MAX_RECORDED}), oldest first. */
    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /** Total requests received since start, including faulted ones. */
    public int requestCount() {
        return requestCount.get();
    }

    @Override
    public void close() {
        LoopbackHttpServer s = server;
        if (s != null) s.close();
        synchronized (loadingLock) {
            loading = false; // let handlers held by the loading state finish (on closed sockets)
            loadingLock.notifyAll();
        }
    }

    // ---- package-private accessors for the routes ----

    String requiredKey() {
        return apiKey;
    }

    ModelCatalog catalog() {
        return catalog;
    }

    Ids ids() {
        return ids;
    }

    ImageRoutes images() {
        return imageRoutes;
    }

    int maxImagesPerRequest() {
        return maxImagesPerRequest;
    }

    String imageDefaultResponseFormat() {
        return imageDefaultResponseFormat;
    }

    boolean isLoading() {
        return loading;
    }

    /** Blocks until the loading state ends (whisper-server's model lock). */
    void awaitLoaded() throws InterruptedException {
        synchronized (loadingLock) {
            while (loading) loadingLock.wait();
        }
    }

    Flavor flavor() {
        return flavor;
    }

    // ---- request handling ----

    private void handle(HttpRequest req, HttpExchange ex) throws IOException, InterruptedException {
        record(req);
        Dialect dialect = flavor.dialectFor(req.path());
        Fault fault = faults.take();

        if (fault instanceof Fault.ConnectionReset) {
            ex.reset();
            return;
        }
        if (fault instanceof Fault.DelayFirstByte delay) HttpExchange.sleep(delay.delay());

        Reply reply = fault == null ? null : ProviderErrors.forFault(dialect, fault);
        if (reply == null) {
            try {
                reply = switch (dialect) {
                    case OLLAMA_NATIVE -> ollamaRoutes.route(req);
                    case LLAMACPP -> llamaCppRoutes.route(req, openAiRoutes);
                    case VLLM -> vllmRoutes.route(req, openAiRoutes);
                    case WHISPER_CPP -> whisperRoutes.route(req);
                    default -> openAiRoutes.route(req, dialect);
                };
            } catch (RuntimeException bug) {
                // A defect in the fake must be loud in test output, but must not hang the client.
                bug.printStackTrace();
                reply = new Reply.Full(500, "text/plain", List.of(),
                        ("fake upstream bug: " + bug).getBytes(StandardCharsets.UTF_8));
            }
        }
        // Only streams have "in-band"; a non-stream answer under this fault is a plain 500.
        if (fault instanceof Fault.ErrorEventMidStream && reply instanceof Reply.Full) {
            reply = ProviderErrors.serverError(dialect);
        }
        ReplyDelivery.deliver(ex, reply, commonHeaders(dialect), fault, tokenDelay);
    }

    /** Request-id headers: OpenAI {@code x-request-id}; Together also {@code cf-ray}, which its SDK reads. */
    private List<Header> commonHeaders(Dialect d) {
        String id = ids.next();
        return switch (d) {
            case OPENAI -> List.of(new Header("x-request-id", "req_" + id), new Header("openai-version", "2020-10-01"),
                    new Header("openai-processing-ms", "1"));
            case TOGETHER -> List.of(new Header("x-request-id", id), new Header("cf-ray", id.substring(8) + "-SJC"));
            case OLLAMA_NATIVE, OLLAMA_OPENAI -> List.of(new Header("x-request-id", id));
            // cpp-httplib servers set these defaults; neither sends a request id.
            case LLAMACPP -> List.of(new Header("Server", "llama.cpp"), new Header("Access-Control-Allow-Origin", "*"));
            case WHISPER_CPP -> List.of(new Header("Server", "whisper.cpp"),
                    new Header("Access-Control-Allow-Origin", "*"),
                    new Header("Access-Control-Allow-Headers", "content-type, authorization"));
            case VLLM -> List.of(new Header("server", "uvicorn"));
        };
    }

    private void record(HttpRequest req) {
        requestCount.incrementAndGet();
        RecordedRequest r = new RecordedRequest(req.method(), req.target(), Map.copyOf(req.headers()), req.bodyText());
        synchronized (recorded) {
            if (recorded.size() == MAX_RECORDED) recorded.removeFirst();
            recorded.addLast(r);
        }
    }
}
