package ai.aideon.testkit;

import static ai.aideon.testkit.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VllmFlavourTest {

    FakeUpstream up;

    @BeforeEach
    void start() {
        up = FakeUpstream.vllm().models("Qwen/Qwen2.5-7B-Instruct", "my-lora")
                .contextWindow("Qwen/Qwen2.5-7B-Instruct", 32768).start();
    }

    @AfterEach
    void stop() {
        up.close();
    }

    @Test
    void healthIsAnEmpty200AndVersionIsJson() throws Exception {
        HttpResponse<String> h = Http.get(up, "/health");
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.body()).isEmpty();
        assertThat(h.headers().firstValue("content-type")).isEmpty();
        assertThat(json(Http.get(up, "/version").body()).get("version").asText()).isNotBlank();
    }

    @Test
    void modelsCarryMaxModelLenAndVllmsCardFields() throws Exception {
        JsonNode data = json(Http.get(up, "/v1/models").body()).get("data");
        assertThat(data.get(0).get("id").asText()).isEqualTo("Qwen/Qwen2.5-7B-Instruct");
        assertThat(data.get(1).get("id").asText()).isEqualTo("my-lora");
        assertThat(data).hasSize(2);
        assertThat(data.get(0).get("max_model_len").asInt()).isEqualTo(32768);
        assertThat(data.get(0).get("owned_by").asText()).isEqualTo("vllm");
        assertThat(data.get(0).get("parent").isNull()).isTrue();
        assertThat(data.get(0).get("permission").get(0).get("object").asText()).isEqualTo("model_permission");
    }

    @Test
    void errorsAreNestedWithPythonTypeNamesAndTheStatusAsCode() throws Exception {
        HttpResponse<String> unknown = Http.post(up, "/v1/chat/completions", Http.chatBody("nope", "hi", ""), null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        JsonNode e = json(unknown.body()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("NotFoundError");
        assertThat(e.get("code").asInt()).isEqualTo(404);

        up.contextWindow("my-lora", 3);
        HttpResponse<String> tooLong = Http.post(up, "/v1/chat/completions",
                Http.chatBody("my-lora", "one two three four five", ""), null);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(json(tooLong.body()).at("/error/message").asText())
                .startsWith("This model's maximum context length is 3 tokens.");

        up.apiKey("k");
        HttpResponse<String> denied = Http.post(up, "/v1/chat/completions", Http.chatBody("my-lora", "hi", ""), "x");
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.body()).isEqualTo("{\"error\":\"Unauthorized\"}");
        assertThat(Http.get(up, "/health").statusCode()).as("health needs no key").isEqualTo(200);

        assertThat(Http.get(up, "/nothing-here").body()).isEqualTo("{\"detail\":\"Not Found\"}");
    }

    @Test
    void chatAnswersTheServedModel() throws Exception {
        HttpResponse<String> r = Http.post(up, "/v1/chat/completions",
                Http.chatBody("Qwen/Qwen2.5-7B-Instruct", "hello vllm", ""), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r.body()).at("/choices/0/message/content").asText()).startsWith("Echo: hello vllm");
    }
}
