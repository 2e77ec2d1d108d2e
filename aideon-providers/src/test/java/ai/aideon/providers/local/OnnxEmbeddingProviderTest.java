package ai.aideon.providers.local;

import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static ai.aideon.providers.TestCalls.TIMEOUT;
import static ai.aideon.providers.TestCalls.embedCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

/** Runs the real all-MiniLM-L6-v2 model in process; loading it once takes about a second. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OnnxEmbeddingProviderTest {
    private static final String MODEL = "all-minilm-l6-v2";
    private static final OnnxEmbeddingProvider PROVIDER = new OnnxEmbeddingProvider("local-embed");

    @BeforeAll
    static void loadModelOnce() throws ProviderException {
        PROVIDER.warmUp();
    }

    private static float[] embedOne(String text) throws ProviderException {
        return PROVIDER.embed(embedCall(MODEL, text)).vectors().get(0);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float f : v) {
            sum += f * f;
        }
        return Math.sqrt(sum);
    }

    private static ProviderException fails(String upstreamId, Integer dimensions, String... inputs) {
        return catchThrowableOfType(ProviderException.class,
                () -> PROVIDER.embed(embedCall(upstreamId, dimensions, TIMEOUT, inputs)));
    }

    @Test
    void vectorsHave384DimensionsAndUnitLength() throws Exception {
        EmbeddingResponse response = PROVIDER.embed(embedCall(MODEL, "The cat sits on the mat", "Hello world"));
        assertThat(response.vectors()).hasSize(2);
        for (float[] v : response.vectors()) {
            assertThat(v).hasSize(OnnxEmbeddingProvider.DIMENSIONS);
            assertThat(norm(v)).isCloseTo(1.0, within(1e-4));
        }
        assertThat(response.model()).isEqualTo(MODEL);
    }

    @Test
    void sameTextGivesTheSameVectorEveryTime() throws Exception {
        float[] first = embedOne("Deterministic embeddings make caches possible");
        float[] again = new OnnxEmbeddingProvider("another-instance").embed(
                embedCall(MODEL, "Deterministic embeddings make caches possible")).vectors().get(0);
        assertThat(again).containsExactly(first);
    }

    @Test
    void similarSentencesAreCloserThanUnrelatedOnes() throws Exception {
        float[] cat = embedOne("The cat sits on the mat");
        float[] paraphrase = embedOne("A cat is sitting on a mat");
        float[] unrelated = embedOne("Stock markets fell sharply today");
        assertThat(cosine(cat, paraphrase)).isGreaterThan(cosine(cat, unrelated) + 0.3);
    }

    @Test
    void batchKeepsInputOrder() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            texts.add("Sentence number " + i + " talks about topic " + (char) ('a' + i));
        }
        EmbeddingResponse batch = PROVIDER.embed(embedCall(MODEL, texts.toArray(String[]::new)));
        assertThat(batch.vectors()).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            // Inputs of a batch run in parallel; each must still land at its own index.
            assertThat(cosine(batch.vectors().get(i), embedOne(texts.get(i)))).as("input %d", i)
                    .isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void usageCountsWordPiecesOfEveryInput() throws Exception {
        // bert-base-uncased: "the cat sits on the mat" is six word pieces; "embeddings" splits into four.
        EmbeddingResponse one = PROVIDER.embed(embedCall(MODEL, "The cat sits on the mat"));
        assertThat(one.usage().promptTokens()).isEqualTo(6);
        assertThat(one.usage().completionTokens()).isZero();
        EmbeddingResponse two = PROVIDER.embed(embedCall(MODEL, "The cat sits on the mat", "embeddings"));
        assertThat(two.usage().promptTokens()).isEqualTo(6 + 4);
    }

    @Test
    void textBeyondTheModelsInputLengthIsIgnoredButCounted() throws Exception {
        String head = String.join(" ", Collections.nCopies(OnnxEmbeddingProvider.MAX_INPUT_TOKENS, "dog"));
        EmbeddingResponse response = PROVIDER.embed(embedCall(MODEL, head + " and then the stock market crashed",
                head + " while the cat slept on the mat"));
        assertThat(cosine(response.vectors().get(0), response.vectors().get(1))).isCloseTo(1.0, within(1e-5));
        assertThat(response.usage().promptTokens())
                .isEqualTo(2L * OnnxEmbeddingProvider.MAX_INPUT_TOKENS + 6 + 7);
    }

    @Test
    void inputWithNothingToEmbedIsABadRequest() {
        for (String nothing : List.of("", "   ", "\u200B", "\t\n")) {
            ProviderException e = fails(MODEL, null, "fine text", nothing);
            assertThat(e.kind()).as("input %s", nothing.codePoints().boxed().toList()).isEqualTo(Kind.BAD_REQUEST);
            assertThat(e.param()).contains("input");
            assertThat(e.getMessage()).contains("input 1");
            assertThat(e.kind().retryable()).isFalse();
        }
        assertThat(fails(MODEL, null).kind()).isEqualTo(Kind.BAD_REQUEST);
    }

    @Test
    void dimensionsMustBeTheModelsOwn() throws Exception {
        assertThat(PROVIDER.embed(embedCall(MODEL, 384, TIMEOUT, "full size")).vectors().get(0)).hasSize(384);
        ProviderException shorter = fails(MODEL, 256, "shorter please");
        assertThat(shorter.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(shorter.param()).contains("dimensions");
        assertThat(fails(MODEL, 1024, "longer please").kind()).isEqualTo(Kind.BAD_REQUEST);
    }

    @Test
    void servesOnlyItsOwnModel() throws Exception {
        assertThat(PROVIDER.embed(embedCall("sentence-transformers/all-MiniLM-L6-v2", "hi")).vectors()).hasSize(1);
        ProviderException other = fails("text-embedding-3-small", null, "hi");
        assertThat(other.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(other.kind().fallbackable()).isTrue();
    }

    @Test
    void aDeadlineTooShortIsATimeout() {
        String[] inputs = Collections.nCopies(16, "a sentence that takes a few milliseconds to embed")
                .toArray(String[]::new);
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> PROVIDER.embed(embedCall(MODEL, null, Duration.ofNanos(1), inputs)));
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void concurrentCallersFromVirtualThreadsGetTheirOwnVectors() throws Exception {
        List<String> texts = List.of("The cat sits on the mat", "Stock markets fell sharply today",
                "Rain is expected tomorrow", "Java virtual threads are cheap", "Embeddings map text to vectors",
                "The quick brown fox jumps", "A recipe for bread", "Football results from the weekend");
        List<float[]> expected = new ArrayList<>();
        for (String t : texts) {
            expected.add(embedOne(t));
        }
        int rounds = 4;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<float[]>>> results = new ArrayList<>();
            for (int c = 0; c < texts.size(); c++) {
                int offset = c;
                results.add(callers.submit(() -> {
                    start.await();
                    List<float[]> mine = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        // Each caller asks for a rotated pair, so concurrent requests differ in content and size.
                        String a = texts.get((offset + r) % texts.size());
                        String b = texts.get((offset + r + 1) % texts.size());
                        mine.addAll(PROVIDER.embed(embedCall(MODEL, a, b)).vectors());
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (int c = 0; c < texts.size(); c++) {
                List<float[]> mine = results.get(c).get(60, TimeUnit.SECONDS);
                for (int r = 0; r < rounds; r++) {
                    assertThat(cosine(mine.get(2 * r), expected.get((c + r) % texts.size())))
                            .isCloseTo(1.0, within(1e-5));
                    assertThat(cosine(mine.get(2 * r + 1), expected.get((c + r + 1) % texts.size())))
                            .isCloseTo(1.0, within(1e-5));
                }
            }
        }
    }
}
