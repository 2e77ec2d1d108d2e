package ai.aideon.providers.together;

import ai.aideon.core.api.GeneratedImages;
import ai.aideon.core.api.ImageRequest;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.Secret;
import ai.aideon.providers.TestCalls;
import ai.aideon.testkit.FakeUpstream;
import ai.aideon.testkit.Fault;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The Together image adapter against the testkit's faithful fake, including its failure modes. */
@Timeout(20)
class TogetherImagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SDXL = "stabilityai/stable-diffusion-xl-base-1.0";
    private static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private FakeUpstream upstream;
    private TogetherProvider provider;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.together().apiKey(KEY).models(SDXL).start();
        provider = new TogetherProvider(TestCalls.settings("together", upstream.baseUrl() + "/v1", KEY));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private static ImageRequest request(String prompt, int n, int w, int h, Long seed, boolean urls) {
        return new ImageRequest("aideon/image", prompt, n, w, h, "standard", seed, null, urls);
    }

    private GeneratedImages generate(ImageRequest r) throws ProviderException {
        return provider.generate(TestCalls.imageCall(SDXL, r));
    }

    private List<JsonNode> sentBodies() throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (var q : upstream.requests()) {
            if (q.path().equals("/v1/images/generations")) {
                out.add(JSON.readTree(q.body()));
            }
        }
        return out;
    }

    private static BufferedImage decode(byte[] bytes) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(img).isNotNull();
        return img;
    }

    @Test
    void base64PngsOfTheRequestedSizeWithTogethersFieldNames() throws Exception {
        ImageRequest r = new ImageRequest("aideon/image", "a red fox in snow", 2, 512, 256, "hd", 42L,
                "blurry", false);
        GeneratedImages images = generate(r);

        assertThat(images.images()).hasSize(2);
        for (GeneratedImages.Image image : images.images()) {
            assertThat(image.mediaType()).isEqualTo("image/png");
            BufferedImage img = decode(image.bytes());
            assertThat(img.getWidth()).isEqualTo(512);
            assertThat(img.getHeight()).isEqualTo(256);
        }
        JsonNode sent = sentBodies().get(0);
        assertThat(sent.path("model").asText()).isEqualTo(SDXL);
        assertThat(sent.path("prompt").asText()).isEqualTo("a red fox in snow");
        assertThat(sent.path("n").asInt()).isEqualTo(2);
        assertThat(sent.path("width").asInt()).isEqualTo(512);
        assertThat(sent.path("height").asInt()).isEqualTo(256);
        assertThat(sent.path("seed").asLong()).isEqualTo(42);
        assertThat(sent.path("negative_prompt").asText()).isEqualTo("blurry");
        assertThat(sent.path("response_format").asText()).isEqualTo("base64");
        assertThat(sent.path("output_format").asText()).isEqualTo("png");
        assertThat(upstream.requests().get(0).headers().get("authorization")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void urlsAreTogethersOwnAndFetchable() throws Exception {
        GeneratedImages images = generate(request("a lighthouse", 1, 64, 64, null, true));
        String url = images.images().get(0).url();
        assertThat(images.images().get(0).bytes()).isNull();
        assertThat(url).startsWith(upstream.baseUrl() + "/imgproxy/");
        assertThat(sentBodies().get(0).path("response_format").asText()).isEqualTo("url");
        assertThat(sentBodies().get(0).has("seed")).isFalse();
        HttpResponse<byte[]> png = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(decode(png.body()).getWidth()).isEqualTo(64);
    }

    @Test
    void moreImagesThanTogetherTakesAtOnceGoInBatchesWithTheirOwnSeeds() throws Exception {
        GeneratedImages images = generate(request("many cats", 10, 32, 32, 100L, false));
        assertThat(images.images()).hasSize(10);
        List<JsonNode> sent = sentBodies();
        assertThat(sent).extracting(b -> b.path("n").asInt()).containsExactly(4, 4, 2);
        assertThat(sent).extracting(b -> b.path("seed").asLong()).containsExactly(100L, 104L, 108L);
        assertThat(images.images().get(0).bytes()).isNotEqualTo(images.images().get(4).bytes());
    }

    @Test
    void aFailedLaterBatchKeepsTheImagesAlreadyMade() throws Exception {
        upstream.faults().next(Fault.delayFirstByte(Duration.ZERO)); // a no-op fault: the first batch succeeds
        upstream.faults().next(Fault.serverError());
        GeneratedImages images = generate(request("cats", 6, 16, 16, null, false));
        assertThat(images.images()).hasSize(4);
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void theBatchSizeIsAnOption() throws Exception {
        upstream.maxImagesPerRequest(6);
        TogetherProvider six = new TogetherProvider(new ProviderSettings("together", "together", null,
                URI.create(upstream.baseUrl() + "/v1"), Secret.of(KEY), Duration.ofSeconds(2),
                Map.of("max_images_per_request", "6")));
        six.generate(TestCalls.imageCall(SDXL, request("cats", 6, 16, 16, null, false)));
        assertThat(sentBodies()).extracting(b -> b.path("n").asInt()).containsExactly(6);
        assertThatThrownBy(() -> new TogetherProvider(new ProviderSettings("together", "together", null,
                URI.create(upstream.baseUrl() + "/v1"), Secret.of(KEY), Duration.ofSeconds(2),
                Map.of("max_images_per_request", "four")))).hasMessageContaining("max_images_per_request");
    }

    @Test
    void failuresMapToKindsAndNeverShowTheKey() throws Exception {
        upstream.faults().next(Fault.rateLimited(2));
        ProviderException limited = catchThrowableOfType(ProviderException.class,
                () -> generate(request("x", 1, 16, 16, null, false)));
        assertThat(limited.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(limited.retryAfter()).hasValue(Duration.ofSeconds(2));
        assertThat(limited.upstreamStatus()).isEqualTo(429);

        upstream.faults().next(Fault.overloaded());
        assertThat(catchThrowableOfType(ProviderException.class,
                () -> generate(request("x", 1, 16, 16, null, false))).kind()).isEqualTo(Kind.OVERLOADED);
        upstream.faults().next(Fault.serverError());
        assertThat(catchThrowableOfType(ProviderException.class,
                () -> generate(request("x", 1, 16, 16, null, false))).kind()).isEqualTo(Kind.UNAVAILABLE);
        upstream.faults().next(Fault.gatewayTimeout());
        assertThat(catchThrowableOfType(ProviderException.class,
                () -> generate(request("x", 1, 16, 16, null, false))).kind()).isEqualTo(Kind.TIMEOUT);

        upstream.faults().next(Fault.invalidKey());
        ProviderException auth = catchThrowableOfType(ProviderException.class,
                () -> generate(request("x", 1, 16, 16, null, false)));
        assertThat(auth.kind()).isEqualTo(Kind.AUTH);
        assertThat(auth.getMessage()).doesNotContain(KEY);

        // Together's 400 is the client's problem, with the field named
        ProviderException tooBig = catchThrowableOfType(ProviderException.class,
                () -> generate(request("x", 1, 4096, 16, null, false)));
        assertThat(tooBig.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(tooBig.param()).hasValue("width");

        ProviderException unknown = catchThrowableOfType(ProviderException.class, () -> provider.generate(
                TestCalls.imageCall("acme/not-served", request("x", 1, 16, 16, null, false))));
        assertThat(unknown.kind()).isEqualTo(Kind.NOT_FOUND);

        upstream.faults().next(Fault.connectionReset());
        assertThat(catchThrowableOfType(ProviderException.class,
                () -> generate(request("x", 1, 16, 16, null, false))).kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void anEmptyPromptNeverLeavesTheGateway() {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> generate(request("  ", 1, 16, 16, null, false)));
        assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(e.param()).hasValue("prompt");
        assertThat(upstream.requestCount()).isZero();
    }
}
