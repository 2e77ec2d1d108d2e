package ai.aideon.server;

import ai.aideon.client.config.ConfigLoader;
import ai.aideon.testkit.FakeUpstream;
import ai.aideon.testkit.Fault;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;

import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Together image adapter through the real server against two testkit Together fakes: fallback between
 * image providers, URL pass-through, and upstream failures reported honestly.
 */
class ImagesUpstreamGatewayTest {
    static final String KEY = "sk-test-premium";
    static final String SECRET = "together-secret-key-0123456789";
    FakeUpstream primary;
    FakeUpstream secondary;
    GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        primary = FakeUpstream.together().apiKey(SECRET).start();
        secondary = FakeUpstream.together().apiKey(SECRET).start();
        String yaml = """
                executor:
                  retries: 1
                  base_backoff: 1ms
                  max_backoff: 5ms
                  max_retry_after: 2s
                  call_timeout: 5s
                providers:
                  tg-a: {type: together, source: cloud, base_url: "%s/v1", api_key: "${TOGETHER_KEY}", timeout: 2s}
                  tg-b: {type: together, source: cloud, base_url: "%s/v1", api_key: "${TOGETHER_KEY}", timeout: 2s}
                models:
                  - {id: a/sdxl, provider: tg-a, upstream_id: stabilityai/stable-diffusion-xl-base-1.0,
                     modality: image, price: {image: 0.0019}, tiers: [premium]}
                  - {id: b/sd15, provider: tg-b, upstream_id: runwayml/stable-diffusion-v1-5,
                     modality: image, price: {image: 0.0010}, tiers: [premium]}
                routes:
                  - alias: aideon/image
                    modality: image
                    plans:
                      premium: [{model: a/sdxl, role: primary}, {model: b/sd15, role: fallback}]
                clients:
                  - {name: p, key: %s, tier: premium}
                """.formatted(primary.baseUrl(), secondary.baseUrl(), KEY);
        var config = new ConfigLoader(Map.of("TOGETHER_KEY", SECRET)::get).parse(yaml, "images-upstream.yaml");
        gw = new GatewayFixture(config.withStore(GatewayFixture.tempStore(config)));
    }

    @AfterEach
    void stop() {
        gw.close();
        primary.close();
        secondary.close();
    }

    private HttpResponse<String> generate(String body) throws Exception {
        return gw.post("/v1/images/generations", KEY, body);
    }

    @Test
    void fiveHundredsFallBackToTheOtherImageProviderAndItsPriceIsCharged() throws Exception {
        primary.faults().always(Fault.serverError());
        HttpResponse<String> r = generate("{\"prompt\":\"a kite\",\"n\":2,\"size\":\"128x64\","
                + "\"response_format\":\"b64_json\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("tg-a->tg-b:fallback(500)");
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("b/sd15");
        assertThat(r.headers().firstValue("x-aideon-cost-usd")).hasValue("0.002000");
        assertThat(primary.requestCount()).isEqualTo(2); // one retry, then fallback
        JsonNode body = json(r);
        assertThat(body.path("data")).hasSize(2);
        var img = ImagesGatewayTest.png(Base64.getDecoder().decode(body.at("/data/0/b64_json").asText()));
        assertThat(img.getWidth()).isEqualTo(128);
        assertThat(img.getHeight()).isEqualTo(64);
        // the fallback was asked with its own upstream id, for PNG bytes
        JsonNode sent = GatewayFixture.JSON.readTree(secondary.requests().get(0).body());
        assertThat(sent.path("model").asText()).isEqualTo("runwayml/stable-diffusion-v1-5");
        assertThat(sent.path("response_format").asText()).isEqualTo("base64");
        assertThat(sent.path("output_format").asText()).isEqualTo("png");
    }

    @Test
    void togetherUrlsArePassedThroughUntouched() throws Exception {
        HttpResponse<String> r = generate("{\"prompt\":\"a kite\",\"size\":\"64x64\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String url = json(r).at("/data/0/url").asText();
        assertThat(url).startsWith(primary.baseUrl() + "/imgproxy/");
        HttpResponse<byte[]> image = gw.http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ImagesGatewayTest.png(image.body()).getWidth()).isEqualTo(64);
    }

    @Test
    void aRateLimitIsRetriedAfterRetryAfter() throws Exception {
        primary.faults().next(Fault.rateLimited(1));
        long t0 = System.nanoTime();
        HttpResponse<String> r = generate("{\"prompt\":\"x\",\"size\":\"64x64\",\"response_format\":\"b64_json\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("a/sdxl");
        assertThat(primary.requestCount()).isEqualTo(2);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(900_000_000L);
    }

    @Test
    void upstreamFailuresAreReportedWithoutLeakingTheKey() throws Exception {
        primary.faults().always(Fault.invalidKey());
        secondary.faults().always(Fault.invalidKey());
        HttpResponse<String> auth = generate("{\"prompt\":\"x\",\"size\":\"64x64\"}");
        assertThat(auth.statusCode()).isEqualTo(502);
        assertThat(auth.body()).doesNotContain(SECRET);

        primary.faults().always(Fault.overloaded());
        secondary.faults().always(Fault.overloaded());
        HttpResponse<String> busy = generate("{\"prompt\":\"x\",\"size\":\"64x64\"}");
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(json(busy).at("/error/message").asText()).contains("503");
    }
}
