package ai.aideon.server;

import ai.aideon.client.DemoMode;
import ai.aideon.providers.local.LocalEngines;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

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
        boolean required = "1".equals(System.getenv("AIDEON_REQUIRE_LOCAL_ENGINES"));
        boolean installed = LocalEngines.espeakAvailable() && LocalEngines.pocketsphinxAvailable()
                && LocalEngines.soxAvailable();
        if (!required) {
            Assumptions.assumeTrue(installed, "install espeak-ng pocketsphinx pocketsphinx-en-us sox libsox-fmt-mp3");
        }
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
        String boundary = "b" + UUID.randomUUID();
        HttpClient http = HttpClient.newHttpClient();
        for (String format : new String[]{"text", "srt", "vtt", "verbose_json"}) {
            java.net.http.HttpResponse<String> r = http.send(upload(boundary, wav, "aideon-local/pocketsphinx-en",
                    format), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            switch (format) {
                case "text" -> assertThat(r.body()).contains("hello");
                case "srt" -> assertThat(r.body()).contains("-->").contains(",");
                case "vtt" -> assertThat(r.body()).startsWith("WEBVTT");
                default -> assertThat(r.body()).contains("\"duration\"").contains("\"segments\"");
            }
        }
        java.net.http.HttpResponse<String> noFile = http.send(HttpRequest.newBuilder(URI.create(gw.base()
                        + "/v1/audio/transcriptions")).header("Authorization", "Bearer " + DemoMode.PREMIUM_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(noFile.statusCode()).isEqualTo(400);
        java.net.http.HttpResponse<String> badFormat = gw.post("/v1/audio/speech", DemoMode.PREMIUM_KEY,
                "{\"model\":\"aideon/tts\",\"input\":\"x\",\"response_format\":\"midi\"}");
        assertThat(badFormat.statusCode()).isEqualTo(400);
    }

    private HttpRequest upload(String boundary, byte[] wav, String model, String format) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + model + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\n" + format + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"speech.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n";
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[headBytes.length + wav.length + tail.length];
        System.arraycopy(headBytes, 0, body, 0, headBytes.length);
        System.arraycopy(wav, 0, body, headBytes.length, wav.length);
        System.arraycopy(tail, 0, body, headBytes.length + wav.length, tail.length);
        return HttpRequest.newBuilder(URI.create(gw.base() + "/v1/audio/transcriptions"))
                .header("Authorization", "Bearer " + DemoMode.PREMIUM_KEY)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    @Test
    void freeTierSpeaksInTheCloudAndFallsBackToTheLocalEngineWhenTheCloudIsDown() throws Exception {
        String body = "{\"model\":\"aideon/tts\",\"input\":\"hello there\",\"response_format\":\"wav\"}";
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gw.base() + "/v1/audio/speech"))
                .header("Authorization", "Bearer " + DemoMode.FREE_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        java.net.http.HttpResponse<byte[]> cloud = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(cloud.statusCode()).isEqualTo(200);
        assertThat(cloud.headers().firstValue("x-aideon-source")).hasValue("cloud");
        assertThat(new String(cloud.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        gw.engine.simulators().get("together").setDown(true);
        try {
            java.net.http.HttpResponse<byte[]> local = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(local.statusCode()).isEqualTo(200);
            assertThat(local.headers().firstValue("x-aideon-source")).hasValue("local");
            assertThat(local.headers().firstValue("x-aideon-route").orElse("")).startsWith("together->local-speech:fallback(");
            assertThat(new String(local.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        } finally {
            gw.engine.simulators().get("together").setDown(false);
        }
    }
}
