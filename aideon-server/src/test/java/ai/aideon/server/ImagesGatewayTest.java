package ai.aideon.server;

import ai.aideon.client.DemoMode;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;

import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/images/generations} through the real server in demo mode (Together simulated). */
class ImagesGatewayTest {
    static final String PREMIUM = DemoMode.PREMIUM_KEY;
    static final String FREE = DemoMode.FREE_KEY;
    static final String SDXL = "stabilityai/stable-diffusion-xl-base-1.0";
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayFixture.demo();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static HttpResponse<String> generate(String key, String body, String... headers) throws Exception {
        return gw.post("/v1/images/generations", key, body, headers);
    }

    static BufferedImage png(byte[] bytes) throws Exception {
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(img).as("ImageIO decodes it").isNotNull();
        return img;
    }

    @Test
    void b64JsonGivesRealPngsOfTheRequestedSizeWithRouteAndCost() throws Exception {
        HttpResponse<String> r = generate(PREMIUM, """
                {"model":"aideon/image","prompt":"a lighthouse at dusk","n":2,"size":"512x256",
                 "response_format":"b64_json"}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-provider")).hasValue("together");
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue(SDXL);
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("cloud");
        assertThat(r.headers().firstValue("x-aideon-route")).hasValue("together:primary");
        // 2 × $0.0019, exactly
        assertThat(r.headers().firstValue("x-aideon-cost-usd")).hasValue("0.003800");
        JsonNode body = json(r);
        assertThat(body.path("created").asLong()).isPositive();
        assertThat(body.path("data")).hasSize(2);
        for (JsonNode item : body.path("data")) {
            assertThat(item.has("url")).isFalse();
            BufferedImage img = png(Base64.getDecoder().decode(item.path("b64_json").asText()));
            assertThat(img.getWidth()).isEqualTo(512);
            assertThat(img.getHeight()).isEqualTo(256);
        }
        assertThat(body.at("/aideon/images").asInt()).isEqualTo(2);
        assertThat(body.at("/aideon/cost_usd").decimalValue()).isEqualByComparingTo(new BigDecimal("0.0038"));
    }

    @Test
    void urlIsTheDefaultAndTheGatewayServesTheImageWithoutAKey() throws Exception {
        HttpResponse<String> r = generate(FREE, "{\"prompt\":\"a red fox\",\"size\":\"256x256\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String url = json(r).at("/data/0/url").asText();
        assertThat(url).matches(java.util.regex.Pattern.quote(gw.base()) + "/aideon/v1/images/[0-9a-f]{32}\\.png");

        HttpResponse<byte[]> image = gw.http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(image.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(png(image.body()).getWidth()).isEqualTo(256);

        String unknown = url.replaceAll("[0-9a-f]{32}", "0".repeat(32));
        HttpResponse<String> gone = gw.get(URI.create(unknown).getPath(), null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(json(gone).at("/error/code").asText()).isEqualTo("image_not_found");
        assertThat(gw.get("/aideon/v1/images/../../etc/passwd", null).statusCode()).isEqualTo(404);
    }

    @Test
    void theSameSeedDrawsTheSamePicture() throws Exception {
        String body = "{\"prompt\":\"a quiet harbour\",\"size\":\"64x64\",\"seed\":11,\"response_format\":\"b64_json\"}";
        String a = json(generate(PREMIUM, body)).at("/data/0/b64_json").asText();
        String b = json(generate(PREMIUM, body)).at("/data/0/b64_json").asText();
        String c = json(generate(PREMIUM, body.replace("11", "12"))).at("/data/0/b64_json").asText();
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void qualityAndRoleChooseTheModel() throws Exception {
        String hd = "{\"prompt\":\"x\",\"size\":\"64x64\",\"quality\":\"hd\",\"response_format\":\"b64_json\"}";
        assertThat(generate(PREMIUM, hd).headers().firstValue("x-aideon-model"))
                .hasValue("playgroundai/playground-v2.5");
        String low = hd.replace("\"hd\"", "\"low\"");
        assertThat(generate(PREMIUM, low).headers().firstValue("x-aideon-model")).hasValue("stabilityai/sdxl-turbo");
        // the header wins over the quality hint
        assertThat(generate(PREMIUM, hd, "x-aideon-role", "quick").headers().firstValue("x-aideon-model"))
                .hasValue("stabilityai/sdxl-turbo");
        // the free plan has no quality entry: hd still works, on the free primary
        HttpResponse<String> free = generate(FREE, hd);
        assertThat(free.statusCode()).isEqualTo(200);
        assertThat(free.headers().firstValue("x-aideon-model")).hasValue(SDXL);
        // quick on the free plan: the cheaper free model first
        assertThat(generate(FREE, low).headers().firstValue("x-aideon-model"))
                .hasValue("runwayml/stable-diffusion-v1-5");
    }

    @Test
    void aPremiumOnlyModelIsAnUpgradeForTheFreeTier() throws Exception {
        HttpResponse<String> r = generate(FREE,
                "{\"model\":\"playgroundai/playground-v2.5\",\"prompt\":\"x\",\"size\":\"64x64\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        JsonNode err = json(r).path("error");
        assertThat(err.path("code").asText()).isEqualTo("upgrade_required");
        assertThat(err.path("message").asText()).contains("premium");
    }

    @Test
    void badRequestsAre400sNamingTheFieldNever500s() throws Exception {
        assertInvalid("{\"size\":\"64x64\"}", "prompt");
        assertInvalid("{\"prompt\":\"   \"}", "prompt");
        assertInvalid("{\"prompt\":\"x\",\"n\":0}", "n");
        assertInvalid("{\"prompt\":\"x\",\"n\":11}", "n");
        assertInvalid("{\"prompt\":\"x\",\"n\":\"2\"}", "n");
        assertInvalid("{\"prompt\":\"x\",\"n\":1.5}", "n");
        assertInvalid("{\"prompt\":\"x\",\"size\":\"big\"}", "size");
        assertInvalid("{\"prompt\":\"x\",\"size\":\"1001x1000\"}", "size");
        assertInvalid("{\"prompt\":\"x\",\"size\":\"4096x4096\"}", "size");
        assertInvalid("{\"prompt\":\"x\",\"size\":\"32x32\"}", "size");
        assertInvalid("{\"prompt\":\"x\",\"size\":1024}", "size");
        assertInvalid("{\"prompt\":\"x\",\"response_format\":\"png\"}", "response_format");
        assertInvalid("{\"prompt\":\"x\",\"quality\":\"ultra\"}", "quality");
        assertInvalid("{\"prompt\":\"x\",\"seed\":-1}", "seed");
        assertInvalid("{\"prompt\":\"x\",\"seed\":\"7\"}", "seed");
        assertInvalid("{\"prompt\":\"x\",\"output_format\":\"webp\"}", "output_format");
        assertInvalid("{\"prompt\":\"x\",\"negative_prompt\":5}", "negative_prompt");
        assertInvalid("{\"prompt\":\"x\",\"model\":7}", "model");
        assertInvalid("{\"prompt\":\"" + "a".repeat(32_001) + "\"}", "prompt");
        // a chat route is not an image route
        assertInvalid("{\"prompt\":\"x\",\"model\":\"aideon/text\"}", "model");

        HttpResponse<String> unknown = generate(PREMIUM, "{\"prompt\":\"x\",\"model\":\"acme/nope\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(generate(PREMIUM, "not json").statusCode()).isEqualTo(400);
        assertThat(generate(null, "{\"prompt\":\"x\"}").statusCode()).isEqualTo(401);
        HttpResponse<String> get = gw.get("/v1/images/generations", PREMIUM);
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void whenTheCloudIsDownEveryCandidateFailsWithA503AndTheRoute() throws Exception {
        gw.engine.simulators().get("together").setDown(true);
        try {
            HttpResponse<String> r = generate(PREMIUM, "{\"prompt\":\"x\",\"size\":\"64x64\"}");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("upstream_unavailable");
            assertThat(r.headers().firstValue("x-aideon-route").orElse("")).startsWith("together->together");
        } finally {
            gw.engine.simulators().get("together").setDown(false);
        }
    }

    @Test
    void explainAndEstimateSpeakImages() throws Exception {
        HttpResponse<String> explain = gw.get("/aideon/v1/explain?model=aideon/image&role=quality", PREMIUM);
        assertThat(explain.statusCode()).as(explain.body()).isEqualTo(200);
        assertThat(json(explain).at("/candidates/0/model").asText()).isEqualTo("playgroundai/playground-v2.5");

        // priced exactly: n × the per-image price, for every candidate of the free plan
        HttpResponse<String> estimate = gw.post("/aideon/v1/estimate", FREE,
                "{\"model\":\"aideon/image\",\"prompt\":\"x\",\"n\":3}");
        assertThat(estimate.statusCode()).as(estimate.body()).isEqualTo(200);
        JsonNode candidates = json(estimate).path("candidates");
        assertThat(candidates.get(0).path("model").asText()).isEqualTo(SDXL);
        assertThat(candidates.get(0).at("/cost_usd/low").decimalValue()).isEqualByComparingTo("0.0057");
        assertThat(candidates.get(0).at("/cost_usd/high").decimalValue()).isEqualByComparingTo("0.0057");
        assertThat(candidates.get(1).at("/cost_usd/high").decimalValue()).isEqualByComparingTo("0.003");
        // quality in the body picks the role, as on the real endpoint
        HttpResponse<String> hd = gw.post("/aideon/v1/estimate", PREMIUM,
                "{\"model\":\"aideon/image\",\"prompt\":\"x\",\"quality\":\"hd\"}");
        assertThat(json(hd).at("/candidates/0/cost_usd/high").decimalValue()).isEqualByComparingTo("0.005");
        assertThat(gw.post("/aideon/v1/estimate", FREE, "{\"model\":\"aideon/image\",\"prompt\":\"x\",\"n\":0}")
                .statusCode()).isEqualTo(400);
    }

    private static void assertInvalid(String body, String param) throws Exception {
        HttpResponse<String> r = generate(PREMIUM, body);
        assertThat(r.statusCode()).as(body).isEqualTo(400);
        JsonNode err = json(r).path("error");
        assertThat(err.path("param").asText()).as(body).isEqualTo(param);
        assertThat(err.path("message").asText()).isNotBlank();
        assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
    }
}
