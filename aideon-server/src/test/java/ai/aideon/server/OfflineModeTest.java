package ai.aideon.server;

import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static ai.aideon.server.GatewayFixture.chatBody;
import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hybrid mode: when the cloud cannot be reached, plans become local-only; what has a local engine keeps working,
 * what has none fails fast with 503 no_local_engine naming what to install; recovery is automatic.
 */
class OfflineModeTest {

    private static AideonConfig config(int cloudPort, boolean offline) throws Exception {
        String yaml = """
                offline: %s
                store: none
                providers:
                  local: {type: simulator, source: local, simulator: {first_token_latency: 0ms, token_latency: 0ms}}
                  local-embed: {type: onnx, source: local}
                  local-speech: {type: espeak}
                  local-stt: {type: pocketsphinx}
                  cloud: {type: openai, source: cloud, base_url: "http://127.0.0.1:%d/v1", api_key: k}
                models:
                  - {id: local/small, provider: local, modality: text, context: 8192, capabilities: [streaming], tiers: [premium, free]}
                  - {id: cloud/llama, provider: cloud, modality: text, context: 8192, capabilities: [streaming], tiers: [premium, free]}
                  - {id: local/minilm, provider: local-embed, upstream_id: all-MiniLM-L6-v2, modality: embed, tiers: [premium, free]}
                  - {id: cloud/sdxl, provider: cloud, modality: image, price: {image: 0.002}, tiers: [premium, free]}
                  - {id: local/espeak, provider: local-speech, upstream_id: espeak-ng, modality: tts, tiers: [premium]}
                  - {id: cloud/sonic, provider: cloud, modality: tts, price: {m_characters: 65.00}, tiers: [premium]}
                  - {id: local/pocketsphinx, provider: local-stt, upstream_id: pocketsphinx-en-us, modality: stt, tiers: [premium]}
                  - {id: cloud/whisper, provider: cloud, modality: stt, price: {audio_second: 0.0001}, tiers: [premium]}
                routes:
                  - alias: aideon/text
                    modality: text
                    plans:
                      premium: [{model: cloud/llama, role: primary}, {model: local/small, role: fallback}]
                      free: [{model: cloud/llama, role: primary}]
                  - alias: aideon/embed
                    modality: embed
                    plans:
                      premium: [{model: local/minilm, role: primary}]
                  - alias: aideon/image
                    modality: image
                    plans:
                      premium: [{model: cloud/sdxl, role: primary}]
                  # cloud first both ways, like the default config's free speech and all its transcription plans
                  - alias: aideon/tts
                    modality: tts
                    plans:
                      premium: [{model: cloud/sonic, role: primary}, {model: local/espeak, role: fallback}]
                  - alias: aideon/stt
                    modality: stt
                    plans:
                      premium: [{model: cloud/whisper, role: primary}, {model: local/pocketsphinx, role: fallback}]
                tiers:
                  premium: {}
                  free: {}
                clients:
                  - {name: p, key: sk-p, tier: premium}
                  - {name: f, key: sk-f, tier: free}
                """.formatted(offline, cloudPort);
        return new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "offline.yaml");
    }

    @Test
    void cloudUnreachableMeansLocalOnlyUntilItComesBack() throws Exception {
        ServerSocket cloud = new ServerSocket();
        cloud.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = cloud.getLocalPort();
        try (GatewayFixture gw = new GatewayFixture(config(port, false))) {
            gw.engine.probeCloud();
            assertThat(gw.engine.localOnly(false)).isFalse();

            cloud.close(); // the network goes away
            gw.engine.probeCloud();
            assertThat(gw.engine.localOnly(false)).isTrue();
            HttpResponse<String> text = gw.post("/v1/chat/completions", "sk-p", chatBody("aideon/text", "still here?"));
            assertThat(text.statusCode()).isEqualTo(200);
            assertThat(text.headers().firstValue("x-aideon-source")).hasValue("local");
            assertThat(gw.post("/v1/embeddings", "sk-p", "{\"model\":\"aideon/embed\",\"input\":\"offline\"}")
                    .statusCode()).isEqualTo(200);
            speechBothWaysStaysLocal(gw);
            // the free tier's text route has no local engine: a fast, clear 503
            HttpResponse<String> free = gw.post("/v1/chat/completions", "sk-f", chatBody("aideon/text", "hi"));
            assertThat(free.statusCode()).isEqualTo(503);
            JsonNode err = json(free).path("error");
            assertThat(err.path("code").asText()).isEqualTo("no_local_engine");
            assertThat(err.path("message").asText()).contains("Install Ollama");
            // image generation has no local engine at all: refused at once, before any upstream call
            assertNoLocalImageEngine(gw);

            try (ServerSocket back = new ServerSocket()) { // the network returns
                back.setReuseAddress(true);
                back.bind(new InetSocketAddress("127.0.0.1", port));
                gw.engine.probeCloud();
                assertThat(gw.engine.localOnly(false)).isFalse();
            }
        }
    }

    @Test
    void offlineConfigKeepsEverythingLocal() throws Exception {
        try (ServerSocket cloud = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             GatewayFixture gw = new GatewayFixture(config(cloud.getLocalPort(), true))) {
            assertThat(gw.engine.localOnly(false)).isTrue();
            HttpResponse<String> text = gw.post("/v1/chat/completions", "sk-p", chatBody("aideon/text", "hi"));
            assertThat(text.headers().firstValue("x-aideon-source")).hasValue("local");
            assertNoLocalImageEngine(gw);
        }
    }

    @Test
    void aLocalOnlyImageRequestIsRefusedEvenWithTheCloudUp() throws Exception {
        try (ServerSocket cloud = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             GatewayFixture gw = new GatewayFixture(config(cloud.getLocalPort(), false))) {
            gw.engine.probeCloud();
            assertThat(gw.engine.localOnly(false)).isFalse();
            HttpResponse<String> r = gw.post("/v1/images/generations", "sk-p", "{\"prompt\":\"a fox\"}",
                    "x-aideon-privacy", "local_only");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("no_local_engine");
        }
    }

    /**
     * Speech and transcription plans are cloud first; with the cloud gone they are served by espeak-ng and
     * pocketsphinx without an attempt at the cloud (the route shows the local engine as the first and only step).
     */
    private static void speechBothWaysStaysLocal(GatewayFixture gw) throws Exception {
        if (!LocalSpeechEngines.usable()) {
            return; // the rest of the offline test still runs; CI installs the engines and requires them
        }
        HttpResponse<byte[]> speech = gw.postForBytes("/v1/audio/speech", "sk-p", "{\"model\":\"aideon/tts\","
                + "\"input\":\"hello world, the weather is nice today\",\"response_format\":\"wav\"}");
        assertThat(speech.statusCode()).isEqualTo(200);
        assertThat(speech.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(speech.headers().firstValue("x-aideon-route")).hasValue("local-speech:primary");
        byte[] wav = speech.body();
        assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");

        HttpResponse<String> heard = gw.upload("/v1/audio/transcriptions", "sk-p", wav, Map.of("model", "aideon/stt"));
        assertThat(heard.statusCode()).as(heard.body()).isEqualTo(200);
        assertThat(heard.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(heard.headers().firstValue("x-aideon-route")).hasValue("local-stt:primary");
        assertThat(json(heard).path("text").asText()).contains("hello world");
    }

    private static void assertNoLocalImageEngine(GatewayFixture gw) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = gw.post("/v1/images/generations", "sk-p",
                "{\"model\":\"aideon/image\",\"prompt\":\"a fox\",\"response_format\":\"b64_json\"}");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode err = json(r).path("error");
        assertThat(err.path("code").asText()).isEqualTo("no_local_engine");
        assertThat(err.path("type").asText()).isEqualTo("service_unavailable");
        assertThat(err.path("message").asText()).contains("no local image engine").contains("aideon/image");
        // Fails fast: an attempt on the silent cloud socket of two of the callers would wait out the provider's
        // 10 s timeout; the bound sits far from both so that a slow machine cannot fail it.
        assertThat(millis).isLessThan(5_000);
    }
}
