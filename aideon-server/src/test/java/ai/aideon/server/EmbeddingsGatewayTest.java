package ai.aideon.server;

import ai.aideon.client.DemoMode;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;

import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/embeddings} through the real server: the in-process all-MiniLM-L6-v2 model first. */
class EmbeddingsGatewayTest {
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayFixture.demo();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void theLocalModelEmbedsAndMeaningShowsInTheVectors() throws Exception {
        HttpResponse<String> r = gw.post("/v1/embeddings", DemoMode.FREE_KEY, """
                {"model":"aideon/embed","input":["The cat sits on the mat","A cat is sitting on a mat",
                 "Stock markets fell sharply today"]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-aideon-source")).hasValue("local");
        assertThat(r.headers().firstValue("x-aideon-model")).hasValue("aideon-local/all-minilm-l6-v2");
        assertThat(r.headers().firstValue("x-aideon-cost-usd")).hasValue("0.000000");
        JsonNode body = json(r);
        assertThat(body.path("data")).hasSize(3);
        float[] a = vector(body.path("data").get(0).path("embedding"));
        float[] b = vector(body.path("data").get(1).path("embedding"));
        float[] c = vector(body.path("data").get(2).path("embedding"));
        assertThat(a).hasSize(384);
        assertThat(cosine(a, b)).isGreaterThan(cosine(a, c) + 0.3);
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isPositive();
    }

    @Test
    void base64EncodingIsLittleEndianFloat32() throws Exception {
        JsonNode floats = json(gw.post("/v1/embeddings", DemoMode.PREMIUM_KEY,
                "{\"model\":\"aideon/embed\",\"input\":\"hello world\"}"));
        JsonNode b64 = json(gw.post("/v1/embeddings", DemoMode.PREMIUM_KEY,
                "{\"model\":\"aideon/embed\",\"input\":\"hello world\",\"encoding_format\":\"base64\"}"));
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(b64.path("data").get(0).path("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] expected = vector(floats.path("data").get(0).path("embedding"));
        for (float f : expected) {
            assertThat(buf.getFloat()).isEqualTo(f);
        }
    }

    @Test
    void theOfficialClientEmbeds() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.base() + "/v1").apiKey(DemoMode.PREMIUM_KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("aideon/embed").input("The weather is nice today").build());
        assertThat(r.data()).hasSize(1);
        assertThat(r.data().get(0).embedding()).hasSize(384);
    }

    @Test
    void badInputIsAClearClientError() throws Exception {
        assertThat(gw.post("/v1/embeddings", DemoMode.FREE_KEY, "{\"model\":\"aideon/embed\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> tokens = gw.post("/v1/embeddings", DemoMode.FREE_KEY,
                "{\"model\":\"aideon/embed\",\"input\":[[1,2,3]]}");
        assertThat(tokens.statusCode()).isEqualTo(400);
        assertThat(json(tokens).path("error").path("param").asText()).isEqualTo("input");
        assertThat(gw.post("/v1/embeddings", DemoMode.FREE_KEY, "{\"model\":\"nope/none\",\"input\":\"x\"}")
                .statusCode()).isEqualTo(404);
        // a chat route is not an embeddings route
        assertThat(gw.post("/v1/embeddings", DemoMode.FREE_KEY, "{\"model\":\"aideon/text\",\"input\":\"x\"}")
                .statusCode()).isEqualTo(400);
        // the free tier may not use the premium-only cloud model
        HttpResponse<String> upgrade = gw.post("/v1/embeddings", DemoMode.FREE_KEY,
                "{\"model\":\"BAAI/bge-large-en-v1.5\",\"input\":\"x\"}");
        assertThat(upgrade.statusCode()).isEqualTo(403);
        assertThat(json(upgrade).path("error").path("code").asText()).isEqualTo("upgrade_required");
    }

    private static float[] vector(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
