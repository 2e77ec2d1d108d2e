package ai.aideon.testkit;

import static ai.aideon.testkit.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Together's {@code POST /v1/images/generations} and its image CDN, as the fake serves them. */
class TogetherImagesFlavourTest {

    static final String SDXL = "stabilityai/stable-diffusion-xl-base-1.0";
    static FakeUpstream up;

    @BeforeAll
    static void start() {
        up = FakeUpstream.together().apiKey("tg-key").models(SDXL).start();
    }

    @AfterAll
    static void stop() {
        up.close();
    }

    @BeforeEach
    void reset() {
        up.faults().clear();
        up.maxImagesPerRequest(4).imageDefaultResponseFormat("url");
    }

    private static HttpResponse<String> generate(String body) throws Exception {
        return Http.post(up, "/v1/images/generations", body, "tg-key");
    }

    private static BufferedImage decode(byte[] bytes) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(img).as("decodable image").isNotNull();
        return img;
    }

    @Test
    void base64PngImagesOfTheRequestedSize() throws Exception {
        HttpResponse<String> r = generate("{\"model\":\"" + SDXL + "\",\"prompt\":\"a red fox\",\"n\":2,"
                + "\"width\":320,\"height\":200,\"response_format\":\"base64\",\"output_format\":\"png\",\"seed\":7}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.headers().firstValue("cf-ray")).isPresent();
        JsonNode root = json(r.body());
        assertThat(root.path("object").asText()).isEqualTo("list");
        assertThat(root.path("model").asText()).isEqualTo(SDXL);
        assertThat(root.path("id").asText()).isNotBlank();
        assertThat(root.path("data")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode item = root.path("data").get(i);
            assertThat(item.path("index").asInt()).isEqualTo(i);
            assertThat(item.path("type").asText()).isEqualTo("b64_json");
            byte[] png = Base64.getDecoder().decode(item.path("b64_json").asText());
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
            BufferedImage img = decode(png);
            assertThat(img.getWidth()).isEqualTo(320);
            assertThat(img.getHeight()).isEqualTo(200);
        }
        // the same seed gives the same image
        JsonNode again = json(generate("{\"model\":\"" + SDXL + "\",\"prompt\":\"a red fox\",\"n\":1,\"width\":320,"
                + "\"height\":200,\"response_format\":\"base64\",\"output_format\":\"png\",\"seed\":7}").body());
        assertThat(again.at("/data/0/b64_json").asText()).isEqualTo(root.at("/data/0/b64_json").asText());
    }

    @Test
    void urlsPointAtTheCdnWhichNeedsNoKeyButAUserAgent() throws Exception {
        // no response_format: the configured default (url); no output_format: jpeg, Together's default
        JsonNode root = json(generate("{\"model\":\"" + SDXL + "\",\"prompt\":\"a lighthouse\",\"width\":64,"
                + "\"height\":96}").body());
        JsonNode item = root.path("data").get(0);
        assertThat(item.path("type").asText()).isEqualTo("url");
        String url = item.path("url").asText();
        assertThat(url).startsWith(up.baseUrl() + "/imgproxy/");
        HttpResponse<byte[]> image = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("content-type")).hasValue("image/jpeg");
        assertThat(image.body()).startsWith(0xFF, 0xD8, 0xFF);
        assertThat(decode(image.body()).getHeight()).isEqualTo(96);
        assertThat(statusWithoutUserAgent(URI.create(url).getPath())).isEqualTo(403);
        assertThat(Http.CLIENT.send(HttpRequest.newBuilder(URI.create(up.baseUrl() + "/imgproxy/nope.jpg")).GET()
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);

        up.imageDefaultResponseFormat("base64");
        JsonNode b64 = json(generate("{\"model\":\"" + SDXL + "\",\"prompt\":\"a lighthouse\",\"width\":64,"
                + "\"height\":64}").body());
        assertThat(b64.at("/data/0/type").asText()).isEqualTo("b64_json");
    }

    @Test
    void requestsTogetherWouldRejectAre400sNamingTheField() throws Exception {
        assertBadRequest("{\"model\":\"" + SDXL + "\"}", "prompt");
        assertBadRequest("{\"prompt\":\"x\"}", "model");
        assertBadRequest("{\"model\":\"" + SDXL + "\",\"prompt\":\"x\",\"n\":5}", "n");
        assertBadRequest("{\"model\":\"" + SDXL + "\",\"prompt\":\"x\",\"response_format\":\"b64_json\"}",
                "response_format");
        assertBadRequest("{\"model\":\"" + SDXL + "\",\"prompt\":\"x\",\"output_format\":\"webp\"}", "output_format");
        assertBadRequest("{\"model\":\"" + SDXL + "\",\"prompt\":\"x\",\"width\":4096}", "width");
        up.maxImagesPerRequest(6);
        assertThat(generate("{\"model\":\"" + SDXL + "\",\"prompt\":\"x\",\"n\":5,\"width\":8,\"height\":8}")
                .statusCode()).isEqualTo(200);

        HttpResponse<String> unknown = generate("{\"model\":\"acme/unknown\",\"prompt\":\"x\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).at("/error/code").asText()).isEqualTo("model_not_found");
        HttpResponse<String> badKey = Http.post(up, "/v1/images/generations",
                "{\"model\":\"" + SDXL + "\",\"prompt\":\"x\"}", "wrong");
        assertThat(badKey.statusCode()).isEqualTo(401);
    }

    @Test
    void faultsApplyToImageRequestsToo() throws Exception {
        up.faults().next(Fault.rateLimited(3));
        HttpResponse<String> limited = generate("{\"model\":\"" + SDXL + "\",\"prompt\":\"x\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("3");
        up.faults().next(Fault.overloaded());
        HttpResponse<String> overloaded = generate("{\"model\":\"" + SDXL + "\",\"prompt\":\"x\"}");
        assertThat(overloaded.statusCode()).isEqualTo(503);
    }

    private static void assertBadRequest(String body, String param) throws Exception {
        HttpResponse<String> r = generate(body);
        assertThat(r.statusCode()).as(body).isEqualTo(400);
        JsonNode err = json(r.body()).path("error");
        assertThat(err.path("param").asText()).as(body).isEqualTo(param);
        assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(err.path("message").asText()).isNotBlank();
    }

    /** A raw GET with no User-Agent header at all (the JDK client always sends one). */
    private static int statusWithoutUserAgent(String path) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), up.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
