package ai.aideon.server;

import ai.aideon.client.Scheduler;
import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ConfigLoader;
import ai.aideon.testkit.FakeUpstream;
import ai.aideon.testkit.ManualClock;
import ai.aideon.testkit.Fault;
import ai.aideon.testkit.RecordedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Fallback in both directions for embeddings, speech, transcription and vision, through the real gateway on a
 * metered SQLite store, against the testkit's fakes and the in-process engines. Each test breaks the primary the way
 * it breaks in production (an engine that crashed, a program that is not installed, a cloud answering 429/500/503)
 * and proves the request is still answered, by the fallback: the route and source headers say so, the body is the
 * fallback's own (its vector size, its audio, the upstream that received the request), and the ledger charges the
 * fallback's price.
 *
 * <p>Two tiers read as the two directions: {@code local-first} tries the local engine and falls back to the cloud,
 * {@code cloud-first} the other way round. Local engine probes run only at start (manual scheduler), so a test
 * decides when the gateway learns that an engine is down, and the gateway's clock stands still, so an open breaker
 * stays open however slow the machine. Retries are off, so every upstream count is exact.
 */
class ModalityFallbackGatewayTest {
    static final String LOCAL_FIRST = "sk-local-first";
    static final String CLOUD_FIRST = "sk-cloud-first";
    /** Prices that make the charge of each cloud model easy to recompute (USD; per 1M tokens or characters). */
    static final BigDecimal EMBED_INPUT_PRICE = new BigDecimal("2.00");
    static final BigDecimal VISION_INPUT_PRICE = new BigDecimal("2.00");
    static final BigDecimal VISION_OUTPUT_PRICE = new BigDecimal("3.00");
    static final BigDecimal SPEECH_PRICE_PER_M_CHARACTERS = new BigDecimal("65.00");
    static final BigDecimal TRANSCRIPTION_PRICE_PER_SECOND = new BigDecimal("0.0015");
    /** Together's speech default; espeak-ng writes 22050 Hz, so the rate tells whose audio it is. */
    static final int TOGETHER_WAV_RATE = 44_100;
    static final int ESPEAK_WAV_RATE = 22_050;

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Instant.now());
    FakeUpstream ollama;
    FakeUpstream whisper;
    FakeUpstream together;
    GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        ollama = FakeUpstream.ollama().models("llava:7b", "nomic-embed-text").start();
        whisper = FakeUpstream.whisperCpp().start();
        together = FakeUpstream.together().apiKey("tg-key").start();
        String yaml = """
                store: "sqlite:%s"
                admin_key: sk-test-admin
                executor: {retries: 0, call_timeout: 20s}
                providers:
                  ollama: {type: ollama, base_url: "%s", discover: false}
                  whisper: {type: whisper-cpp, base_url: "%s"}
                  local-embed: {type: onnx}
                  local-speech: {type: espeak}
                  # espeak-ng as on a machine that does not have it installed
                  no-espeak: {type: espeak, options: {espeak_binary: "%s"}}
                  together: {type: together, base_url: "%s/v1", api_key: tg-key}
                models:
                  - {id: local/nomic-embed, provider: ollama, upstream_id: nomic-embed-text, modality: embed,
                     tiers: [local-first, cloud-first]}
                  - {id: local/minilm, provider: local-embed, upstream_id: all-MiniLM-L6-v2, modality: embed,
                     tiers: [local-first, cloud-first]}
                  - {id: local/llava, provider: ollama, upstream_id: "llava:7b", modality: vision, context: 4096,
                     capabilities: [vision], tiers: [local-first, cloud-first]}
                  - {id: local/whisper, provider: whisper, upstream_id: ggml-base.en, modality: stt,
                     tiers: [local-first, cloud-first]}
                  - {id: local/espeak, provider: local-speech, modality: tts, tiers: [local-first, cloud-first]}
                  - {id: local/espeak-missing, provider: no-espeak, modality: tts, tiers: [local-first, cloud-first]}
                  - {id: tg/embed, provider: together, upstream_id: BAAI/bge-base-en-v1.5, modality: embed,
                     price: {input: %s}, tiers: [local-first, cloud-first]}
                  - {id: tg/vision, provider: together, upstream_id: meta-llama/Llama-3.2-11B-Vision-Instruct-Turbo,
                     modality: vision, context: 8192, capabilities: [vision], price: {input: %s, output: %s},
                     tiers: [local-first, cloud-first]}
                  - {id: tg/whisper, provider: together, upstream_id: openai/whisper-large-v3, modality: stt,
                     price: {audio_second: %s}, tiers: [local-first, cloud-first]}
                  - {id: tg/sonic, provider: together, upstream_id: cartesia/sonic-2, modality: tts,
                     price: {m_characters: %s}, tiers: [local-first, cloud-first]}
                routes:
                  - alias: aideon/embed
                    modality: embed
                    plans:
                      local-first: [{model: local/nomic-embed, role: primary}, {model: tg/embed, role: fallback}]
                      cloud-first: [{model: tg/embed, role: primary}, {model: local/minilm, role: fallback}]
                  - alias: aideon/vision
                    modality: vision
                    plans:
                      local-first: [{model: local/llava, role: primary}, {model: tg/vision, role: fallback}]
                      cloud-first: [{model: tg/vision, role: primary}, {model: local/llava, role: fallback}]
                  - alias: aideon/stt
                    modality: stt
                    plans:
                      local-first: [{model: local/whisper, role: primary}, {model: tg/whisper, role: fallback}]
                      cloud-first: [{model: tg/whisper, role: primary}, {model: local/whisper, role: fallback}]
                  - alias: aideon/tts
                    modality: tts
                    plans:
                      local-first: [{model: local/espeak-missing, role: primary}, {model: tg/sonic, role: fallback}]
                      cloud-first: [{model: tg/sonic, role: primary}, {model: local/espeak, role: fallback}]
                tiers:
                  local-first: {budget: {usd: 5.00, period: month}}
                  cloud-first: {budget: {usd: 5.00, period: month}}
                clients:
                  - {name: lf, key: %s, tier: local-first, tenant: local-first-app}
                  - {name: cf, key: %s, tier: cloud-first, tenant: cloud-first-app}
                """.formatted(dir.resolve("aideon.db"), ollama.baseUrl(), whisper.baseUrl(),
                dir.resolve("not-installed/espeak-ng"), together.baseUrl(), EMBED_INPUT_PRICE, VISION_INPUT_PRICE,
                VISION_OUTPUT_PRICE, TRANSCRIPTION_PRICE_PER_SECOND, SPEECH_PRICE_PER_M_CHARACTERS, LOCAL_FIRST,
                CLOUD_FIRST);
        AideonConfig config = new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "fallback.yaml");
        gw = new GatewayFixture(config, clock, Scheduler.manual());
    }

    @AfterEach
    void stop() {
        gw.close();
        for (FakeUpstream f : List.of(ollama, whisper, together)) {
            f.close();
        }
    }

    // ---- estimates ----

    @Test
    void estimatesPriceEmbeddingsAndSpeechFromTheBodyAndLeaveTranscriptionUnpriced() throws Exception {
        String text = "The tide comes in twice a day, and goes out again.";
        // embeddings: from the inputs' local token count to that count plus the margin the request reserves
        HttpResponse<String> embed = gw.post("/aideon/v1/estimate", CLOUD_FIRST,
                "{\"model\":\"aideon/embed\",\"input\":[\"" + text + "\",\"" + text + "\"]}");
        assertThat(embed.statusCode()).as(embed.body()).isEqualTo(200);
        JsonNode cloud = json(embed).at("/candidates/0");
        assertThat(cloud.path("model").asText()).isEqualTo("tg/embed");
        long tokens = 2L * ai.aideon.core.route.TokenCounter.cl100k().count(text);
        BigDecimal low = EMBED_INPUT_PRICE.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6);
        assertThat(cloud.at("/cost_usd/low").decimalValue()).isEqualByComparingTo(low);
        assertThat(cloud.at("/cost_usd/high").decimalValue()).isGreaterThan(low);
        assertThat(json(embed).at("/candidates/1/cost_usd/high").decimalValue()).isZero(); // the in-process model

        // speech: billed per input character, so exact
        HttpResponse<String> speech = gw.post("/aideon/v1/estimate", CLOUD_FIRST,
                "{\"model\":\"aideon/tts\",\"input\":\"" + text + "\",\"voice\":\"alloy\"}");
        assertThat(speech.statusCode()).as(speech.body()).isEqualTo(200);
        BigDecimal exact = SPEECH_PRICE_PER_M_CHARACTERS.multiply(BigDecimal.valueOf(text.length())).movePointLeft(6);
        assertThat(json(speech).at("/candidates/0/cost_usd/low").decimalValue()).isEqualByComparingTo(exact);
        assertThat(json(speech).at("/candidates/0/cost_usd/high").decimalValue()).isEqualByComparingTo(exact);
        // the body is checked as the speech endpoint checks it
        HttpResponse<String> noInput = gw.post("/aideon/v1/estimate", CLOUD_FIRST, "{\"model\":\"aideon/tts\"}");
        assertThat(noInput.statusCode()).isEqualTo(400);
        assertThat(json(noInput).at("/error/param").asText()).isEqualTo("input");

        // transcription: billed per second of audio, which only the upload tells: the plan, without a price
        HttpResponse<String> stt = gw.post("/aideon/v1/estimate", CLOUD_FIRST, "{\"model\":\"aideon/stt\"}");
        assertThat(stt.statusCode()).as(stt.body()).isEqualTo(200);
        assertThat(json(stt).at("/candidates/0/model").asText()).isEqualTo("tg/whisper");
        assertThat(json(stt).at("/candidates/0").has("cost_usd")).isFalse();
    }

    // ---- embeddings ----

    @Test
    void embeddingsFromACrashedLocalEngineFallBackToTheCloudAndSkipItOnceItsProbeKnows() throws Exception {
        ollama.stop(); // Ollama crashed after its last probe found it up: the gateway still expects it
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.base() + "/v1").apiKey(LOCAL_FIRST)
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        String text = "The tide comes in twice a day";
        HttpResponseFor<CreateEmbeddingResponse> r;
        try {
            r = client.embeddings().withRawResponse()
                    .create(EmbeddingCreateParams.builder().model("aideon/embed").input(text).build());
        } finally {
            client.close();
        }

        assertThat(r.statusCode()).isEqualTo(200);
        // connection refused is UNAVAILABLE, which has no HTTP status, so the kind names the cause
        assertThat(r.headers().values("x-aideon-route")).containsExactly("ollama->together:fallback(unavailable)");
        assertThat(r.headers().values("x-aideon-source")).containsExactly("cloud");
        assertThat(r.headers().values("x-aideon-model")).containsExactly("tg/embed");
        CreateEmbeddingResponse body = r.parse();
        assertThat(body.data()).hasSize(1);
        List<Float> vector = body.data().get(0).embedding();
        // Ollama cannot have computed it (it is gone); Together received exactly this text, as its own model id
        List<RecordedRequest> sent = requests(together, "/v1/embeddings");
        assertThat(sent).hasSize(1);
        JsonNode upstream = GatewayFixture.JSON.readTree(sent.getFirst().body());
        assertThat(upstream.get("input").toString()).contains(text);
        assertThat(upstream.get("model").asText()).isEqualTo("BAAI/bge-base-en-v1.5");

        long tokens = body.usage().promptTokens();
        assertThat(tokens).isPositive();
        Ledger row = ledger(r.headers().values("x-request-id").getFirst());
        assertThat(row.model()).isEqualTo("tg/embed");
        assertThat(row.provider()).isEqualTo("together");
        assertThat(row.source()).isEqualTo("cloud");
        assertThat(row.attempts()).isEqualTo(2);
        assertThat(row.costMicros()).isEqualTo(micros(EMBED_INPUT_PRICE.multiply(BigDecimal.valueOf(tokens))));
        assertThat(new BigDecimal(r.headers().values("x-aideon-cost-usd").getFirst()).movePointRight(6)
                .longValueExact()).isEqualTo(row.costMicros());

        // The next probe finds Ollama down: later requests skip it without an attempt.
        gw.engine.refreshLocalEngines();
        HttpResponse<String> next = gw.post("/v1/embeddings", LOCAL_FIRST,
                "{\"model\":\"aideon/embed\",\"input\":\"and goes out twice a day\"}");
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(next.headers().firstValue("x-aideon-source")).hasValue("cloud");
        // The plan no longer holds Ollama, so the cloud is its first candidate (explain lists why Ollama is not).
        assertThat(next.headers().firstValue("x-aideon-route")).hasValue("together:primary");
        assertThat(ledger(requestId(next)).attempts()).as("no attempt at the engine known to be down").isEqualTo(1);
        assertThat(requests(together, "/v1/embeddings")).hasSize(2);
        JsonNode plan = json(gw.get("/aideon/v1/explain?model=aideon/embed", LOCAL_FIRST));
        assertThat(plan.at("/skipped/0/model").asText()).isEqualTo("local/nomic-embed");
        assertThat(plan.at("/skipped/0/reason").asText()).startsWith("engine down: connection refused");

        // The vector is Together's own, unchanged: the fake, asked directly (last, so the counts above are the
        // gateway's alone), gives the same one for the same text.
        assertThat(vector).isEqualTo(togetherEmbedding(text));
    }

    @Test
    void embeddingsFromAFailingCloudFallBackToTheInProcessModelUntilTheBreakerTakesTheCloudOut() throws Exception {
        together.faults().always(Fault.serverError());
        HttpResponse<String> r = gw.post("/v1/embeddings", CLOUD_FIRST,
                "{\"model\":\"aideon/embed\",\"input\":[\"The cat sits on the mat\",\"Stock markets fell\"]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("together->local-embed:fallback(500)");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("local/minilm");
        JsonNode data = json(r).get("data");
        assertThat(data).hasSize(2);
        // all-MiniLM-L6-v2's 384 dimensions, unit length; the fake Together's vectors have 16
        for (JsonNode item : data) {
            assertThat(item.get("embedding")).hasSize(384);
            assertThat(norm(item.get("embedding"))).isCloseTo(1.0, within(1e-3));
        }
        assertThat(requests(together, "/v1/embeddings")).hasSize(1);
        Ledger row = ledger(requestId(r));
        assertThat(row.model()).isEqualTo("local/minilm");
        assertThat(row.source()).isEqualTo("local");
        assertThat(row.attempts()).isEqualTo(2);
        assertThat(row.promptTokens()).isPositive();
        // reserved at Together's price, charged at the local model's: nothing
        assertThat(row.costMicros()).isZero();
        assertThat(r.headers().firstValue("x-aideon-cost-usd")).hasValue("0.000000");

        // Four more failures make five, enough for the default breaker (at least 5 calls, half of them failed): it
        // opens, and the cloud gets no more calls while it is open (the clock stands still, so it stays open).
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> again = gw.post("/v1/embeddings", CLOUD_FIRST,
                    "{\"model\":\"aideon/embed\",\"input\":\"failure number " + i + "\"}");
            assertThat(again.headers().firstValue("x-aideon-route")).hasValue("together->local-embed:fallback(500)");
        }
        assertThat(requests(together, "/v1/embeddings")).hasSize(5);
        HttpResponse<String> open = gw.post("/v1/embeddings", CLOUD_FIRST,
                "{\"model\":\"aideon/embed\",\"input\":\"is anyone still calling the cloud?\"}");
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(open.headers().firstValue("x-aideon-route")).hasValue("local-embed:primary");
        assertThat(requests(together, "/v1/embeddings")).as("no call to the cloud behind an open breaker").hasSize(5);
        assertThat(ledger(requestId(open)).attempts()).isEqualTo(1);
    }

    @Test
    void aLocalOnlyRequestIsServedByTheInProcessModelWithoutAskingTheCloud() throws Exception {
        // local-embed is configured without source: it runs in this process, so it is local all the same
        HttpResponse<String> r = gw.post("/v1/embeddings", CLOUD_FIRST,
                "{\"model\":\"aideon/embed\",\"input\":\"private notes\"}", "x-aideon-privacy", "local_only");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("local-embed:primary");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(json(r).at("/data/0/embedding")).hasSize(384);
        assertThat(requests(together, "/v1/embeddings")).isEmpty();
        assertThat(ledger(requestId(r)).source()).isEqualTo("local");
    }

    // ---- speech ----

    @Test
    void speechFallsBackToTheCloudWhenEspeakIsNotInstalled() throws Exception {
        String text = "The tide comes in twice a day.";
        HttpResponse<byte[]> r = speak(LOCAL_FIRST, text);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("no-espeak->together:fallback(unavailable)");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("cloud");
        assertThat(r.headers().firstValue("content-type")).hasValue("audio/wav");
        assertThat(wavSampleRate(r.body())).isEqualTo(TOGETHER_WAV_RATE);
        List<RecordedRequest> sent = requests(together, "/v1/audio/speech");
        assertThat(sent).hasSize(1);
        JsonNode upstream = GatewayFixture.JSON.readTree(sent.getFirst().body());
        assertThat(upstream.get("input").asText()).isEqualTo(text);
        assertThat(upstream.get("model").asText()).isEqualTo("cartesia/sonic-2");

        Ledger row = ledger(requestId(r));
        assertThat(row.model()).isEqualTo("tg/sonic");
        assertThat(row.source()).isEqualTo("cloud");
        assertThat(row.attempts()).isEqualTo(2);
        assertThat(row.costMicros()).isEqualTo(micros(SPEECH_PRICE_PER_M_CHARACTERS
                .multiply(BigDecimal.valueOf(text.length()))));
    }

    @Test
    void speechFromAnOverloadedCloudFallsBackToEspeak() throws Exception {
        Assumptions.assumeTrue(LocalSpeechEngines.espeakUsable(), "install espeak-ng");
        together.faults().always(Fault.overloaded());
        String text = "The tide goes out twice a day.";
        HttpResponse<byte[]> r = speak(CLOUD_FIRST, text);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("together->local-speech:fallback(503)");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(r.headers().firstValue("content-type")).hasValue("audio/wav");
        assertThat(wavSampleRate(r.body())).isEqualTo(ESPEAK_WAV_RATE);
        assertThat(requests(together, "/v1/audio/speech")).hasSize(1);

        Ledger row = ledger(requestId(r));
        assertThat(row.model()).isEqualTo("local/espeak");
        assertThat(row.source()).isEqualTo("local");
        assertThat(row.attempts()).isEqualTo(2);
        assertThat(row.costMicros()).isZero();
    }

    // ---- transcription ----

    @Test
    void transcriptionFromAnOverloadedCloudFallsBackToWhisperCpp() throws Exception {
        together.faults().always(Fault.overloaded());
        HttpResponse<String> r = transcribe(CLOUD_FIRST, WhisperCppGatewayTest.wav(2.5));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("together->whisper:fallback(503)");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("local/whisper");
        // Both fakes word a transcript alike; whose it is shows in which of them was asked to transcribe
        JsonNode body = json(r);
        assertThat(body.get("text").asText()).isEqualTo("Fake transcript of 2.50 seconds of audio.");
        assertThat(body.get("duration").asDouble()).isEqualTo(2.5);
        assertThat(requests(whisper, "/inference")).hasSize(1);
        assertThat(requests(together, "/v1/audio/transcriptions")).hasSize(1);

        Ledger row = ledger(requestId(r));
        assertThat(row.model()).isEqualTo("local/whisper");
        assertThat(row.provider()).isEqualTo("whisper");
        assertThat(row.source()).isEqualTo("local");
        assertThat(row.attempts()).isEqualTo(2);
        assertThat(row.audioSeconds()).isEqualTo(3);
        assertThat(row.costMicros()).isZero();
    }

    @Test
    void transcriptionFromACrashedWhisperServerFallsBackToTheCloudAtItsPrice() throws Exception {
        whisper.stop();
        HttpResponse<String> r = transcribe(LOCAL_FIRST, WhisperCppGatewayTest.wav(2.5));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("whisper->together:fallback(unavailable)");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("cloud");
        assertThat(requests(together, "/v1/audio/transcriptions")).hasSize(1);
        Ledger row = ledger(requestId(r));
        assertThat(row.model()).isEqualTo("tg/whisper");
        assertThat(row.audioSeconds()).isEqualTo(3);
        assertThat(row.costMicros()).isEqualTo(micros(TRANSCRIPTION_PRICE_PER_SECOND.multiply(new BigDecimal("2.5"))
                .movePointRight(6)));
        assertThat(r.headers().firstValue("x-aideon-cost-usd").map(BigDecimal::new).map(c -> c.movePointRight(6)
                .longValueExact())).hasValue(row.costMicros());
    }

    // ---- vision ----

    @Test
    void visionFromAFailingLocalEngineFallsBackToTheCloudWithThePicture() throws Exception {
        ollama.faults().always(Fault.serverError()); // the model runner died; Ollama itself still answers
        String picture = dataUri(png());
        HttpResponse<String> r = gw.post("/v1/chat/completions", LOCAL_FIRST, vision(picture));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("ollama->together:fallback(500)");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("cloud");
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("tg/vision");
        JsonNode body = json(r);
        assertThat(body.at("/choices/0/message/content").asText()).startsWith("Echo: What is in this picture?");
        assertThat(requests(ollama, "/api/chat")).hasSize(1);
        List<RecordedRequest> sent = requests(together, "/v1/chat/completions");
        assertThat(sent).hasSize(1);
        JsonNode upstream = GatewayFixture.JSON.readTree(sent.getFirst().body());
        assertThat(upstream.get("model").asText()).isEqualTo("meta-llama/Llama-3.2-11B-Vision-Instruct-Turbo");
        assertThat(upstream.at("/messages/0/content/1/image_url/url").asText()).isEqualTo(picture);

        long prompt = body.at("/usage/prompt_tokens").asLong();
        long completion = body.at("/usage/completion_tokens").asLong();
        assertThat(prompt).isPositive();
        assertThat(completion).isPositive();
        Ledger row = ledger(requestId(r));
        assertThat(row.model()).isEqualTo("tg/vision");
        assertThat(row.source()).isEqualTo("cloud");
        assertThat(row.attempts()).isEqualTo(2);
        assertThat(row.costMicros()).isEqualTo(micros(VISION_INPUT_PRICE.multiply(BigDecimal.valueOf(prompt))
                .add(VISION_OUTPUT_PRICE.multiply(BigDecimal.valueOf(completion)))));
    }

    @Test
    void visionFromARateLimitedCloudFallsBackToTheLocalEngineWithThePictureInline() throws Exception {
        // Together's request limit, come back in a minute: the local engine answers now instead
        together.faults().always(Fault.rateLimited(60));
        byte[] png = png();
        HttpResponse<String> r = gw.post("/v1/chat/completions", CLOUD_FIRST, vision(dataUri(png)));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("together->ollama:fallback(429)");
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("local/llava");
        assertThat(json(r).at("/choices/0/message/content").asText()).startsWith("Echo: What is in this picture?");
        assertThat(requests(together, "/v1/chat/completions")).hasSize(1);
        List<RecordedRequest> sent = requests(ollama, "/api/chat");
        assertThat(sent).hasSize(1);
        // Ollama takes pictures only inline: the bytes, base64, next to the message
        JsonNode upstream = GatewayFixture.JSON.readTree(sent.getFirst().body());
        assertThat(upstream.get("model").asText()).isEqualTo("llava:7b");
        assertThat(Base64.getDecoder().decode(upstream.at("/messages/0/images/0").asText())).isEqualTo(png);

        Ledger row = ledger(requestId(r));
        assertThat(row.model()).isEqualTo("local/llava");
        assertThat(row.source()).isEqualTo("local");
        assertThat(row.attempts()).isEqualTo(2);
        assertThat(row.costMicros()).isZero();
    }

    // ---- helpers ----

    /** One ledger row, read from the database after the journal has been synced into it. */
    record Ledger(String provider, String model, String source, int attempts, long promptTokens, long audioSeconds,
                  long costMicros, int status) {
    }

    private Ledger ledger(String requestId) throws Exception {
        gw.engine.syncLedger(); // rows are durable in the journal at once, in the database tables moments later
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("aideon.db"));
             PreparedStatement s = c.prepareStatement("SELECT provider, model, source, attempts, prompt_tokens, "
                     + "audio_seconds, cost_micros, status FROM usage_ledger WHERE request_id = ?")) {
            s.setString(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("ledger row for " + requestId).isTrue();
                return new Ledger(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7), rs.getInt(8));
            }
        }
    }

    private static String requestId(HttpResponse<?> r) {
        return r.headers().firstValue("x-request-id").orElseThrow();
    }

    /** USD per 1M units × units is already micro-dollars; the gateway rounds up. */
    private static long micros(BigDecimal amount) {
        return amount.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    /** What the fake Together answers for {@code text} when asked directly, without the gateway. */
    private List<Float> togetherEmbedding(String text) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(together.baseUrl() + "/v1/embeddings"))
                .header("Authorization", "Bearer tg-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"BAAI/bge-base-en-v1.5\",\"input\":"
                        + GatewayFixture.quote(text) + "}")).build();
        JsonNode direct = json(gw.http.send(req, HttpResponse.BodyHandlers.ofString()));
        List<Float> out = new java.util.ArrayList<>();
        for (JsonNode x : direct.at("/data/0/embedding")) {
            out.add(x.floatValue());
        }
        return out;
    }

    private static List<RecordedRequest> requests(FakeUpstream upstream, String path) {
        return upstream.requests().stream().filter(q -> q.path().equals(path)).toList();
    }

    private HttpResponse<byte[]> speak(String key, String text) throws Exception {
        return gw.postForBytes("/v1/audio/speech", key, "{\"model\":\"aideon/tts\",\"voice\":\"alloy\","
                + "\"response_format\":\"wav\",\"input\":" + GatewayFixture.quote(text) + "}");
    }

    private static int wavSampleRate(byte[] wav) {
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(new String(wav, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WAVE");
        return ByteBuffer.wrap(wav, 24, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private HttpResponse<String> transcribe(String key, byte[] wav) throws Exception {
        return gw.upload("/v1/audio/transcriptions", key, wav,
                Map.of("model", "aideon/stt", "response_format", "verbose_json"));
    }

    private static String vision(String imageUrl) {
        return "{\"model\":\"aideon/vision\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"What is in this picture?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\""
                + imageUrl + "\"}}]}]}";
    }

    private static byte[] png() throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 3, 0xFF0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    private static double norm(JsonNode vector) {
        double sum = 0;
        for (JsonNode x : vector) {
            sum += x.asDouble() * x.asDouble();
        }
        return Math.sqrt(sum);
    }
}
