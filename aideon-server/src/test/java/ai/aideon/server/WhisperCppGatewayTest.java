package ai.aideon.server;

import ai.aideon.client.Scheduler;
import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ConfigLoader;
import ai.aideon.testkit.FakeUpstream;
import ai.aideon.testkit.RecordedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user-run whisper.cpp server as the local speech-to-text engine, end to end through the real gateway: every
 * response format the OpenAI API offers, translations, the cloud fallback while the engine loads, and uploads it
 * cannot read refused as the client's mistake.
 */
class WhisperCppGatewayTest {
    static final String KEY = "sk-stt-premium";
    FakeUpstream whisper;
    FakeUpstream together;
    GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        whisper = FakeUpstream.whisperCpp().start();
        together = FakeUpstream.together().apiKey("tg-key").start();
        String yaml = """
                store: none
                executor: {retries: 0, call_timeout: 5s}
                providers:
                  whisper: {type: whisper-cpp, base_url: "%s"}
                  together: {type: together, base_url: "%s/v1", api_key: tg-key}
                models:
                  - {id: whisper/base.en, provider: whisper, upstream_id: ggml-base.en, modality: stt,
                     tiers: [premium]}
                  - {id: openai/whisper-large-v3, provider: together, modality: stt,
                     price: {audio_second: 0.0001}, tiers: [premium]}
                routes:
                  - alias: aideon/stt
                    modality: stt
                    plans:
                      premium: [{model: whisper/base.en, role: primary}, {model: openai/whisper-large-v3, role: fallback}]
                tiers: {premium: {}}
                clients:
                  - {name: p, key: %s, tier: premium}
                """.formatted(whisper.baseUrl(), together.baseUrl(), KEY);
        AideonConfig config = new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "stt.yaml");
        gw = new GatewayFixture(config, Scheduler.manual());
    }

    @AfterEach
    void stop() {
        gw.close();
        whisper.close();
        together.close();
    }

    static byte[] wav(double seconds) {
        int bytes = (int) (16_000 * seconds) * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + bytes)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(16_000).putInt(32_000)
                .putShort((short) 2).putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(bytes);
        return b.array();
    }

    HttpResponse<String> upload(String path, byte[] audio, Map<String, String> fields) throws Exception {
        return gw.upload(path, KEY, audio, fields);
    }

    private long inferences() {
        return whisper.requests().stream().map(RecordedRequest::path).filter("/inference"::equals).count();
    }

    @Test
    void everyResponseFormatIsServedFromTheLocalEngine() throws Exception {
        byte[] audio = wav(2.5);
        HttpResponse<String> json = upload("/v1/audio/transcriptions", audio,
                Map.of("model", "aideon/stt", "response_format", "json"));
        assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
        assertThat(json.headers().firstValue("x-aideon-provider")).hasValue("whisper");
        assertThat(json.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(GatewayFixture.json(json).get("text").asText()).isEqualTo("Fake transcript of 2.50 seconds of audio.");
        // The adapter always asks whisper-server for verbose_json (duration and segments), whatever the client wants.
        assertThat(whisper.requests().getLast().body()).contains("name=\"response_format\"\r\n\r\nverbose_json");

        HttpResponse<String> text = upload("/v1/audio/transcriptions", audio,
                Map.of("model", "aideon/stt", "response_format", "text"));
        assertThat(text.body().strip()).isEqualTo("Fake transcript of 2.50 seconds of audio.");

        HttpResponse<String> srt = upload("/v1/audio/transcriptions", audio,
                Map.of("model", "aideon/stt", "response_format", "srt"));
        assertThat(srt.body()).contains("00:00:00,000 --> 00:00:02,500").contains("Fake transcript");

        HttpResponse<String> vtt = upload("/v1/audio/transcriptions", audio,
                Map.of("model", "aideon/stt", "response_format", "vtt"));
        assertThat(vtt.body()).startsWith("WEBVTT").contains("00:00:00.000 --> 00:00:02.500");

        JsonNode verbose = GatewayFixture.json(upload("/v1/audio/transcriptions", audio,
                Map.of("model", "whisper/base.en", "response_format", "verbose_json")));
        assertThat(verbose.get("duration").asDouble()).isEqualTo(2.5);
        assertThat(verbose.get("language").asText()).isEqualTo("en");
        assertThat(verbose.at("/segments/0/end").asDouble()).isEqualTo(2.5);
        assertThat(inferences()).isEqualTo(5);
        assertThat(together.requestCount()).isZero();
    }

    @Test
    void aTranslationAsksWhisperToDetectAndTranslate() throws Exception {
        HttpResponse<String> r = upload("/v1/audio/translations", wav(1), Map.of("model", "aideon/stt"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(whisper.requests().getLast().body()).contains("name=\"translate\"\r\n\r\ntrue")
                .contains("name=\"language\"\r\n\r\nauto");
    }

    @Test
    void whileWhisperLoadsItsModelTheCloudTranscribesWithoutAnAttemptAtTheEngine() throws Exception {
        whisper.loading(true);
        gw.engine.refreshLocalEngines();
        HttpResponse<String> r = upload("/v1/audio/transcriptions", wav(1), Map.of("model", "aideon/stt"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-provider")).hasValue("together");
        assertThat(inferences()).isZero();
        JsonNode health = GatewayFixture.json(gw.get("/aideon/v1/health", KEY)).at("/local_engines/whisper");
        assertThat(health.get("state").asText()).isEqualTo("loading");
        assertThat(health.get("discovers").asBoolean()).isFalse();

        whisper.loading(false);
        gw.engine.refreshLocalEngines();
        HttpResponse<String> back = upload("/v1/audio/transcriptions", wav(1), Map.of("model", "aideon/stt"));
        assertThat(back.headers().firstValue("x-aideon-provider")).hasValue("whisper");
    }

    @Test
    void anUploadTheEngineCannotReadIsTheClientsMistakeNotAnOutage() throws Exception {
        byte[] ogg = "OggS\0\2 not really vorbis".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> r = upload("/v1/audio/transcriptions", ogg, Map.of("model", "whisper/base.en"));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = GatewayFixture.json(r).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("--convert");
        assertThat(inferences()).isZero();
    }
}
