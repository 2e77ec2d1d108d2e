package ai.aideon.testkit;

import static ai.aideon.testkit.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WhisperCppFlavourTest {

    FakeUpstream up;

    @BeforeEach
    void start() {
        up = FakeUpstream.whisperCpp().models("models/ggml-base.en.bin", "models/ggml-small.bin").start();
    }

    @AfterEach
    void stop() {
        up.close();
    }

    /** 16 kHz mono 16-bit silence. */
    static byte[] wav(double seconds) {
        int samples = (int) (16_000 * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(16_000).putInt(32_000)
                .putShort((short) 2).putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII))
                .putInt(samples * 2);
        return b.array();
    }

    HttpResponse<String> multipart(String path, Map<String, Object> fields) throws Exception {
        String boundary = "xyzzy";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\""
                    + (f.getValue() instanceof byte[] ? "; filename=\"a.wav\"" : "") + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(f.getValue() instanceof byte[] bytes ? bytes
                    : f.getValue().toString().getBytes(StandardCharsets.UTF_8));
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpRequest req = HttpRequest.newBuilder(URI.create(up.baseUrl() + path)).timeout(Http.TIMEOUT)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return Http.CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
    }

    Map<String, Object> upload(String format) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("file", wav(2.5));
        f.put("response_format", format);
        return f;
    }

    @Test
    void eachResponseFormatHasTheRealServersContentType() throws Exception {
        HttpResponse<String> json = multipart("/inference", upload("json"));
        assertThat(json.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(json(json.body()).get("text").asText()).isEqualTo(" Fake transcript of 2.50 seconds of audio.\n");

        HttpResponse<String> text = multipart("/inference", upload("text"));
        assertThat(text.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(text.body()).isEqualTo(" Fake transcript of 2.50 seconds of audio.\n");

        HttpResponse<String> srt = multipart("/inference", upload("srt"));
        assertThat(srt.headers().firstValue("content-type")).hasValue("application/x-subrip");
        assertThat(srt.body()).startsWith("1\n00:00:00,000 --> 00:00:02,500\n");

        HttpResponse<String> vtt = multipart("/inference", upload("vtt"));
        assertThat(vtt.headers().firstValue("content-type")).hasValue("text/vtt");
        assertThat(vtt.body()).startsWith("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n");

        JsonNode verbose = json(multipart("/inference", upload("verbose_json")).body());
        assertThat(verbose.get("task").asText()).isEqualTo("transcribe");
        assertThat(verbose.get("language").asText()).isEqualTo("english");
        assertThat(verbose.get("duration").asDouble()).isEqualTo(2.5);
        assertThat(verbose.at("/segments/0/end").asDouble()).isEqualTo(2.5);
        assertThat(verbose.at("/segments/0/words").size()).isEqualTo(7);
        assertThat(multipart("/inference", upload("yaml")).headers().firstValue("content-type"))
                .as("unknown formats get json, as upstream").hasValue("application/json");
    }

    @Test
    void requestErrorsAreJsonErrorsLikeTheServers() throws Exception {
        HttpResponse<String> noFile = multipart("/inference", Map.of("response_format", "json"));
        assertThat(noFile.statusCode()).isEqualTo(400);
        assertThat(noFile.body()).isEqualTo("{\"error\":\"no 'file' field in the request\"}");

        Map<String, Object> ogg = new LinkedHashMap<>();
        ogg.put("file", "OggS not really".getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> unreadable = multipart("/inference", ogg);
        assertThat(unreadable.statusCode()).isEqualTo(400);
        assertThat(unreadable.body()).isEqualTo("{\"error\":\"failed to read audio data\"}");

        HttpResponse<String> notFound = Http.get(up, "/v1/audio/transcriptions");
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.body()).isEqualTo("File Not Found (/v1/audio/transcriptions)");
    }

    @Test
    void loadSwitchesModelsAndLoadingHoldsInferenceUntilItEnds() throws Exception {
        assertThat(multipart("/load", Map.of("model", "models/ggml-missing.bin")).body())
                .isEqualTo("{\"error\":\"model not found!\"}");
        HttpResponse<String> loaded = multipart("/load", Map.of("model", "models/ggml-small.bin"));
        assertThat(loaded.body()).isEqualTo("Load was successful!");
        assertThat(up.loadedModel()).isEqualTo("models/ggml-small.bin");

        up.loading(true);
        HttpResponse<String> health = Http.get(up, "/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).isEqualTo("{\"status\":\"loading model\"}");
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return multipart("/inference", upload("json"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Poll the fake's request log, not the clock: the upload has arrived but gets no answer while loading.
        while (up.requests().stream().noneMatch(q -> q.path().equals("/inference"))) {
            Thread.onSpinWait();
        }
        assertThat(held).isNotDone();
        up.loading(false);
        assertThat(held.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(Http.get(up, "/").body()).contains("Whisper.cpp Server");
    }
}
