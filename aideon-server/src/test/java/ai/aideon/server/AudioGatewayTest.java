package ai.aideon.server;

import ai.aideon.client.DemoMode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Speech and transcription through the real server with the real local engines (espeak-ng, pocketsphinx):
 * the official client speaks a sentence and transcribes it back.
 */
class AudioGatewayTest {
    static GatewayFixture gw;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(LocalSpeechEngines.usable(), LocalSpeechEngines.INSTALL_HINT);
        gw = GatewayFixture.demo();
        client = OpenAIOkHttpClient.builder().baseUrl(gw.base() + "/v1").apiKey(DemoMode.PREMIUM_KEY).maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static byte[] speak(String format) throws Exception {
        try (HttpResponse r = client.audio().speech().create(SpeechCreateParams.builder().model("aideon/tts")
                .voice("alloy").input("hello world, the weather is nice today")
                .responseFormat(SpeechCreateParams.ResponseFormat.of(format)).build());
             InputStream body = r.body()) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().values("x-aideon-source")).containsExactly("local");
            return body.readAllBytes();
        }
    }

    @Test
    void speakWithEspeakThenTranscribeWithPocketsphinx() throws Exception {
        byte[] wav = speak("wav");
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(new String(wav, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WAVE");
        assertThat(wav.length).isGreaterThan(20_000);

        TranscriptionCreateResponse t = client.audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(wav).model("aideon-local/pocketsphinx-en").build());
        String text = t.asTranscription().text();
        System.out.println("pocketsphinx heard: " + text);
        assertThat(text).contains("hello world");
    }

    @Test
    void mp3IsRealMp3() throws Exception {
        byte[] mp3 = speak("mp3");
        boolean id3 = mp3.length > 3 && mp3[0] == 'I' && mp3[1] == 'D' && mp3[2] == '3';
        boolean frameSync = mp3.length > 2 && (mp3[0] & 0xFF) == 0xFF && (mp3[1] & 0xE0) == 0xE0;
        assertThat(id3 || frameSync).isTrue();
    }

    @Test
    void transcriptionFormatsAndClientMistakes() throws Exception {
        byte[] wav = speak("wav");
        for (String format : new String[]{"text", "srt", "vtt", "verbose_json"}) {
            java.net.http.HttpResponse<String> r = gw.upload("/v1/audio/transcriptions", DemoMode.PREMIUM_KEY, wav,
                    Map.of("model", "aideon-local/pocketsphinx-en", "response_format", format));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            switch (format) {
                case "text" -> assertThat(r.body()).contains("hello");
                case "srt" -> assertThat(r.body()).contains("-->").contains(",");
                case "vtt" -> assertThat(r.body()).startsWith("WEBVTT");
                default -> assertThat(r.body()).contains("\"duration\"").contains("\"segments\"");
            }
        }
        java.net.http.HttpResponse<String> noFile = gw.post("/v1/audio/transcriptions", DemoMode.PREMIUM_KEY, "{}");
        assertThat(noFile.statusCode()).isEqualTo(400);
        java.net.http.HttpResponse<String> badFormat = gw.post("/v1/audio/speech", DemoMode.PREMIUM_KEY,
                "{\"model\":\"aideon/tts\",\"input\":\"x\",\"response_format\":\"midi\"}");
        assertThat(badFormat.statusCode()).isEqualTo(400);
    }

    @Test
    void freeTierSpeaksInTheCloudAndFallsBackToTheLocalEngineWhenTheCloudIsDown() throws Exception {
        String body = "{\"model\":\"aideon/tts\",\"input\":\"hello there\",\"response_format\":\"wav\"}";
        java.net.http.HttpResponse<byte[]> cloud = gw.postForBytes("/v1/audio/speech", DemoMode.FREE_KEY, body);
        assertThat(cloud.statusCode()).isEqualTo(200);
        assertThat(cloud.headers().firstValue("x-aideon-source")).hasValue("cloud");
        assertThat(new String(cloud.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        gw.engine.simulators().get("together").setDown(true);
        try {
            java.net.http.HttpResponse<byte[]> local = gw.postForBytes("/v1/audio/speech", DemoMode.FREE_KEY, body);
            assertThat(local.statusCode()).isEqualTo(200);
            assertThat(local.headers().firstValue("x-aideon-source")).hasValue("local");
            assertThat(local.headers().firstValue("x-aideon-route").orElse("")).startsWith("together->local-speech:fallback(");
            assertThat(new String(local.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        } finally {
            gw.engine.simulators().get("together").setDown(false);
        }
    }
}
