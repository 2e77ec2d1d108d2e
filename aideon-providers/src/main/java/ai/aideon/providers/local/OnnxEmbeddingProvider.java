package ai.aideon.providers.local;

import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.api.Usage;
import ai.aideon.core.provider.EmbeddingProvider;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sentence embeddings computed in this JVM: all-MiniLM-L6-v2 on ONNX Runtime, as packaged by LangChain4j. The model
 * and its tokenizer are inside the dependency jar, so nothing is downloaded, ever.
 *
 * <p>What callers can rely on:
 * <ul>
 *   <li><b>Vectors</b>: {@value #DIMENSIONS} floats of unit length (mean pooling, then normalised), so cosine
 *   similarity is the dot product. The same text always gives the same vector.</li>
 *   <li><b>{@code dimensions}</b>: absent or {@value #DIMENSIONS}; anything else is {@link Kind#BAD_REQUEST}. Shorter
 *   vectors are refused rather than cut: MiniLM was not trained Matryoshka-style, so a prefix of its vector is not a
 *   meaningful smaller embedding, and quietly returning one would degrade a client's search without telling it.
 *   OpenAI answers the same way for its models that cannot shorten.</li>
 *   <li><b>Long input</b>: the tokenizer shipped with the model truncates to 128 word pieces including
 *   {@code [CLS]}/{@code [SEP]}, so the model reads the first {@value #MAX_INPUT_TOKENS} word pieces of each input
 *   (roughly 90–100 English words) and ignores the rest without an error, like sentence-transformers does.
 *   (LangChain4j would split longer input into 510-token windows and average them, but the tokenizer has already
 *   truncated, so that never happens.)</li>
 *   <li><b>Empty input</b>: an input without a single word piece ({@code ""}, whitespace, only control or zero-width
 *   characters) is {@link Kind#BAD_REQUEST} with param {@code input}: there is nothing to embed, the model cannot
 *   produce a unit vector for it, and OpenAI rejects empty strings too.</li>
 *   <li><b>Usage</b>: {@code promptTokens} counts every word piece of every input with the model's own tokenizer
 *   (bert-base-uncased WordPiece, without {@code [CLS]}/{@code [SEP]}), not truncated: it measures what the client
 *   sent, so rate limits see a large request as large even though the vector reflects only its beginning.</li>
 * </ul>
 *
 * <p>Costs: the first request (or {@link #warmUp()}) loads the 90 MB ONNX graph, about a second on a warm disk, and
 * extracts native libraries: ONNX Runtime's into {@code java.io.tmpdir}, DJL's tokenizer into {@code ~/.djl.ai}
 * (override with {@code DJL_CACHE_DIR}). The model is loaded once per JVM and shared by every instance. A request
 * that times out while the model loads fails with {@link Kind#TIMEOUT}; the load goes on and later requests use it.
 *
 * <p>Threads: all model work runs on one shared pool of daemon platform threads, one per core. ONNX Runtime is
 * native code: on a virtual thread it would pin the carrier for the whole inference (and the first call for the
 * whole load), starving the gateway's other virtual threads. Inputs of one request run in parallel on that pool; the
 * answer keeps input order. The ONNX session and the tokenizer are safe for concurrent use.
 */
public final class OnnxEmbeddingProvider implements EmbeddingProvider {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxEmbeddingProvider.class);

    /** The model id this provider serves (an organisation prefix such as {@code sentence-transformers/} is fine). */
    public static final String MODEL_ID = "all-MiniLM-L6-v2";
    public static final int DIMENSIONS = 384;
    /** Word pieces of one input the model reads; the rest is ignored. */
    public static final int MAX_INPUT_TOKENS = 126;

    private static final ExecutorService INFERENCE = inferencePool();
    /** Set once the model is in memory. Kept out of {@link LoadedModel} so that reading it does not load the model. */
    private static volatile boolean modelLoaded;

    private final String name;

    /** @param name the provider instance name used in routes and logs */
    public OnnxEmbeddingProvider(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Loads the model now instead of on the first request, e.g. from a background thread at startup. Returns once it
     * is loaded; calling it again costs nothing.
     */
    public void warmUp() throws ProviderException {
        Future<LoadedModel> load = INFERENCE.submit(LoadedModel::touch);
        awaitAll(List.of(load), null);
    }

    @Override
    public EmbeddingResponse embed(ModalityCall<EmbeddingRequest> call) throws ProviderException {
        EmbeddingRequest request = call.request();
        String model = call.model() != null ? call.model().upstreamId() : request.model();
        if (!servesModel(model)) {
            throw new ProviderException(Kind.NOT_FOUND, name + ": serves only " + MODEL_ID + ", not '" + model + "'",
                    0, null, "model", null);
        }
        if (request.dimensions() != null && request.dimensions() != DIMENSIONS) {
            throw badRequest(MODEL_ID + " produces " + DIMENSIONS + "-dimensional vectors and cannot shorten them "
                    + "(asked for " + request.dimensions() + ")", "dimensions");
        }
        if (request.inputs().isEmpty()) {
            throw badRequest("input must contain at least one text", "input");
        }
        List<Future<Embedded>> futures = new ArrayList<>(request.inputs().size());
        for (int i = 0; i < request.inputs().size(); i++) {
            int index = i;
            String text = request.inputs().get(i);
            futures.add(INFERENCE.submit(() -> embedOne(index, text)));
        }
        List<Embedded> embedded = awaitAll(futures, call.timeout());
        List<float[]> vectors = new ArrayList<>(embedded.size());
        long tokens = 0;
        for (Embedded e : embedded) {
            vectors.add(e.vector());
            tokens += e.tokens();
        }
        return new EmbeddingResponse(model, vectors, new Usage(tokens, 0));
    }

    /** Runs on an inference thread. */
    private Embedded embedOne(int index, String text) {
        LoadedModel loaded = LoadedModel.touch();
        int tokens = loaded.tokenizer.estimateTokenCountInText(text);
        if (tokens == 0) {
            throw new NothingToEmbed(index);
        }
        if (tokens > MAX_INPUT_TOKENS) {
            LOG.debug("{}: input {} has {} word pieces; the model reads the first {}", name, index, tokens,
                    MAX_INPUT_TOKENS);
        }
        float[] vector = loaded.model.embed(TextSegment.from(text)).content().vector();
        return new Embedded(vector, tokens);
    }

    /**
     * Waits for every task within the timeout (null: no limit) and returns their results in submission order. On any
     * failure the tasks not yet started are cancelled; one already running finishes on its own (ONNX Runtime cannot
     * be interrupted), which costs a core for a few milliseconds but nothing else.
     */
    private <T> List<T> awaitAll(List<Future<T>> futures, Duration timeout) throws ProviderException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        List<T> results = new ArrayList<>(futures.size());
        try {
            for (Future<T> f : futures) {
                if (timeout == null) {
                    results.add(f.get());
                } else {
                    results.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                }
            }
            return results;
        } catch (TimeoutException e) {
            cancelAll(futures);
            throw new ProviderException(Kind.TIMEOUT, name + ": embedding took longer than " + timeout
                    + (modelLoaded ? "" : " (the model was still loading)"), 0, null, null, e);
        } catch (InterruptedException e) {
            cancelAll(futures);
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.UNAVAILABLE, name + ": interrupted", 0, null, null, e);
        } catch (ExecutionException e) {
            cancelAll(futures);
            throw failure(e.getCause());
        }
    }

    private ProviderException failure(Throwable cause) {
        if (cause instanceof NothingToEmbed empty) {
            return badRequest("input " + empty.index + " has nothing to embed (empty, or only whitespace or "
                    + "control characters)", "input");
        }
        if (cause instanceof LinkageError) {
            // ExceptionInInitializerError the first time, NoClassDefFoundError after: the jar is missing or broken, or
            // the native libraries could not be extracted or loaded. Another provider may still serve the request.
            return new ProviderException(Kind.UNAVAILABLE, name + ": cannot load " + MODEL_ID + " (" + cause + ")", 0,
                    null, null, cause);
        }
        return new ProviderException(Kind.UNAVAILABLE, name + ": inference failed (" + cause + ")", 0, null, null,
                cause);
    }

    private ProviderException badRequest(String message, String param) {
        return new ProviderException(Kind.BAD_REQUEST, name + ": " + message, 0, null, param, null);
    }

    private static void cancelAll(List<? extends Future<?>> futures) {
        for (Future<?> f : futures) {
            f.cancel(false);
        }
    }

    static boolean servesModel(String model) {
        if (model == null) {
            return false;
        }
        String base = model.substring(model.lastIndexOf('/') + 1);
        return base.toLowerCase(Locale.ROOT).equals(MODEL_ID.toLowerCase(Locale.ROOT));
    }

    private static ExecutorService inferencePool() {
        int threads = Runtime.getRuntime().availableProcessors();
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
            Thread t = new Thread(task, "aideon-onnx-embed-" + counter.incrementAndGet());
            t.setDaemon(true); // never keeps the JVM alive
            return t;
        });
        pool.allowCoreThreadTimeOut(true); // no idle threads once embeddings stop
        return pool;
    }

    private record Embedded(float[] vector, int tokens) {
    }

    /** Thrown on an inference thread, turned into BAD_REQUEST on the caller's. */
    private static final class NothingToEmbed extends RuntimeException {
        final int index;

        NothingToEmbed(int index) {
            super(null, null, false, false);
            this.index = index;
        }
    }

    /**
     * The model and its tokenizer, loaded when this class is first used: the JVM runs the initialiser once, and
     * every other thread that needs it meanwhile waits. Only inference threads touch this class (see the class doc).
     */
    private static final class LoadedModel {
        private static final LoadedModel INSTANCE;

        static {
            long start = System.nanoTime();
            INSTANCE = new LoadedModel();
            modelLoaded = true;
            LOG.info("loaded {} in {} ms", MODEL_ID, (System.nanoTime() - start) / 1_000_000);
        }

        /**
         * We hand the model one input at a time, which it embeds on the calling inference thread. Its executor is only
         * for batches: should it ever get one, running inline beats queueing behind ourselves on our own pool.
         */
        final AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
        /**
         * Counts with the tokenizer.json LangChain4j ships for BERT, byte for byte the one packaged with this model,
         * but without the model's 128-piece truncation.
         */
        final HuggingFaceTokenCountEstimator tokenizer = new HuggingFaceTokenCountEstimator();

        static LoadedModel touch() {
            return INSTANCE;
        }
    }
}
