package ai.aideon.testkit;

import static ai.aideon.testkit.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlamaCppFlavourTest {

    FakeUpstream up;

    @BeforeEach
    void start() {
        up = FakeUpstream.llamaCpp().models("qwen2.5-7b-instruct").contextWindow("qwen2.5-7b-instruct", 8).start();
    }

    @AfterEach
    void stop() {
        up.close();
    }

    @Test
    void healthIsOkWithoutAKeyAndLoadingIsA503OnEveryRouteButTheModelList() throws Exception {
        up.apiKey("secret");
        HttpResponse<String> ok = Http.get(up, "/health");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok.body()).get("status").asText()).isEqualTo("ok");
        assertThat(ok.headers().firstValue("server")).hasValue("llama.cpp");

        up.loading(true);
        for (String path : List.of("/health", "/v1/health", "/props")) {
            HttpResponse<String> r = Http.get(up, path);
            assertThat(r.statusCode()).as(path).isEqualTo(503);
            assertThat(json(r.body()).get("error")).isEqualTo(json(
                    "{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}"));
        }
        HttpResponse<String> chat = Http.post(up, "/v1/chat/completions", Http.chatBody("x", "hi", ""), "secret");
        assertThat(chat.statusCode()).isEqualTo(503);
        JsonNode models = json(Http.get(up, "/v1/models").body());
        assertThat(models.at("/data/0/meta").isNull()).isTrue();

        up.loading(false);
        assertThat(Http.get(up, "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void propsGiveThePerSlotWindowAndTheListingHasExactlyOneModel() throws Exception {
        JsonNode props = json(Http.get(up, "/props").body());
        assertThat(props.at("/default_generation_settings/n_ctx").asInt()).isEqualTo(8);
        assertThat(props.get("total_slots").asInt()).isEqualTo(1);
        assertThat(props.get("model_path").asText()).isEqualTo("qwen2.5-7b-instruct");

        JsonNode models = json(Http.get(up, "/v1/models").body());
        assertThat(models.get("data")).hasSize(1);
        assertThat(models.at("/data/0/owned_by").asText()).isEqualTo("llamacpp");
        assertThat(models.at("/data/0/meta/n_ctx_train").asInt()).isGreaterThan(8);
    }

    @Test
    void chatAnswersWhateverModelIsNamedWithTimingsAndStreamsWithDone() throws Exception {
        HttpResponse<String> r = Http.post(up, "/v1/chat/completions", Http.chatBody("anything", "hello", ""), null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r.body());
        assertThat(body.at("/choices/0/message/content").asText()).startsWith("Echo: hello");
        assertThat(body.at("/timings/predicted_n").asInt()).isEqualTo(body.at("/usage/completion_tokens").asInt());

        HttpResponse<String> s = Http.post(up, "/v1/chat/completions", Http.chatBody("anything", "hello",
                "\"stream\":true,\"stream_options\":{\"include_usage\":true}"), null);
        assertThat(s.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> data = Http.sseData(s.body());
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThat(json(data.get(data.size() - 2)).get("usage").get("total_tokens").asInt()).isPositive();
    }

    @Test
    void errorsUseLlamaCppsShapeWithTheStatusAsCode() throws Exception {
        HttpResponse<String> tooLong = Http.post(up, "/v1/chat/completions",
                Http.chatBody("m", "one two three four five six seven eight nine ten", ""), null);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        JsonNode e = json(tooLong.body()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("exceed_context_size_error");
        assertThat(e.get("code").asInt()).isEqualTo(400);
        assertThat(e.get("n_ctx").asInt()).isEqualTo(8);
        assertThat(e.get("message").asText()).contains("exceeds the available context size (8 tokens)");
        assertThat(e.has("param")).isFalse();

        HttpResponse<String> missing = Http.get(up, "/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing.body()).at("/error/type").asText()).isEqualTo("not_found_error");

        up.apiKey("secret");
        HttpResponse<String> denied = Http.post(up, "/v1/chat/completions", Http.chatBody("m", "hi", ""), "wrong");
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(json(denied.body()).get("error")).isEqualTo(json(
                "{\"code\":401,\"message\":\"Invalid API Key\",\"type\":\"authentication_error\"}"));
    }

    @Test
    void stopRefusesConnectionsAndRestartServesOnTheSamePort() throws Exception {
        int port = up.port();
        up.stop();
        assertThatThrownBy(() -> Http.get(up, "/health")).isInstanceOf(java.net.ConnectException.class);
        up.restart();
        assertThat(up.port()).isEqualTo(port);
        assertThat(Http.get(up, "/health").statusCode()).isEqualTo(200);
    }
}
