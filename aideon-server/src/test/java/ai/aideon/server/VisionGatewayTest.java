package ai.aideon.server;

import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ConfigLoader;
import ai.aideon.testkit.FakeUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vision requests through the real server to a (fake) local Ollama, which takes inline images only: data URIs
 * pass, remote URLs are fetched by the gateway's SSRF-safe fetcher, and URLs into our own network are refused.
 */
class VisionGatewayTest {
    FakeUpstream ollama;
    HttpServer images;
    final AtomicInteger imageHits = new AtomicInteger();
    byte[] png;

    @BeforeEach
    void start() throws Exception {
        ollama = FakeUpstream.ollama().start();
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 3, 0xFF0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        png = out.toByteArray();
        images = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        images.createContext("/cat.png", ex -> {
            imageHits.incrementAndGet();
            ex.getResponseHeaders().set("Content-Type", "image/png");
            ex.sendResponseHeaders(200, png.length);
            ex.getResponseBody().write(png);
            ex.close();
        });
        images.createContext("/to-metadata", ex -> {
            imageHits.incrementAndGet();
            ex.getResponseHeaders().set("Location", "http://169.254.169.254/latest/meta-data/iam");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        images.start();
    }

    @AfterEach
    void stop() {
        images.stop(0);
        ollama.close();
    }

    private GatewayFixture gateway(boolean allowLoopback) throws Exception {
        String yaml = """
                server: {image_fetch_allow_loopback: %s}
                store: none
                providers:
                  local: {type: ollama, source: local, base_url: "%s"}
                models:
                  - {id: local/llava, provider: local, upstream_id: "llava:7b", modality: vision, context: 4096,
                     capabilities: [vision, streaming], tiers: [premium]}
                routes:
                  - alias: aideon/vision
                    modality: vision
                    plans:
                      premium: [{model: local/llava, role: primary}]
                tiers:
                  premium: {}
                clients:
                  - {name: p, key: sk-vision, tier: premium}
                """.formatted(allowLoopback, ollama.baseUrl());
        AideonConfig config = new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "vision.yaml");
        return new GatewayFixture(config);
    }

    private static String vision(String url) {
        return "{\"model\":\"aideon/vision\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"What is in this picture?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url
                + "\"}}]}]}";
    }

    @Test
    void dataUrisAndFetchedUrlsReachTheLocalEngineInline() throws Exception {
        try (GatewayFixture gw = gateway(true)) {
            String dataUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
            HttpResponse<String> inline = gw.post("/v1/chat/completions", "sk-vision", vision(dataUri));
            assertThat(inline.statusCode()).as(inline.body()).isEqualTo(200);

            String url = "http://127.0.0.1:" + images.getAddress().getPort() + "/cat.png";
            HttpResponse<String> fetched = gw.post("/v1/chat/completions", "sk-vision", vision(url));
            assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
            assertThat(imageHits.get()).isEqualTo(1);
            // Ollama received the picture's bytes inline, never the URL (its health probes and model listing aside)
            var chats = ollama.requests().stream().filter(q -> q.path().equals("/api/chat")).toList();
            JsonNode sent = GatewayFixture.JSON.readTree(chats.get(1).body());
            String b64 = sent.path("messages").get(0).path("images").get(0).asText();
            assertThat(Base64.getDecoder().decode(b64)).isEqualTo(png);
            assertThat(chats.get(1).body()).doesNotContain("cat.png");

            // a redirect into the metadata range is refused, even from an allowed host
            HttpResponse<String> redirected = gw.post("/v1/chat/completions", "sk-vision",
                    vision("http://127.0.0.1:" + images.getAddress().getPort() + "/to-metadata"));
            assertThat(redirected.statusCode()).isEqualTo(400);
            assertThat(json(redirected).path("error").path("code").asText()).isEqualTo("image_url_refused");
        }
    }

    @Test
    void urlsIntoOurOwnNetworkAreRefusedBeforeAnyConnection() throws Exception {
        try (GatewayFixture gw = gateway(false)) {
            int port = images.getAddress().getPort();
            for (String url : new String[]{"http://127.0.0.1:" + port + "/cat.png", "http://localhost:" + port + "/cat.png",
                    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x.png", "http://192.168.1.1/x.png",
                    "http://172.16.5.4/x.png", "http://[::1]:" + port + "/cat.png", "http://2130706433/x.png",
                    "file:///etc/passwd"}) {
                HttpResponse<String> r = gw.post("/v1/chat/completions", "sk-vision", vision(url));
                assertThat(r.statusCode()).as(url + " -> " + r.body()).isEqualTo(400);
                JsonNode err = json(r).path("error");
                assertThat(err.path("param").asText()).isEqualTo("messages[0].content[1].image_url.url");
            }
            assertThat(imageHits.get()).isZero();
            assertThat(ollama.requests()).as("no chat reached the engine (probes and model listing do)")
                    .noneMatch(q -> q.path().equals("/api/chat"));
        }
    }
}
