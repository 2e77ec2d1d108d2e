package ai.aideon.server;

import ai.aideon.client.DemoMode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official openai-java client against the running gateway (demo catalog, simulated upstreams). */
class OpenAiJavaClientTest {
    static GatewayFixture gw;
    static OpenAIClient premium;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayFixture.demo();
        premium = client(DemoMode.PREMIUM_KEY);
    }

    static OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.base() + "/v1").apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void nonStreamingChat() {
        ChatCompletion c = premium.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("aideon/text").addSystemMessage("You are terse.").addUserMessage("What is a tide?")
                .temperature(0.2).maxCompletionTokens(64).build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).isNotBlank());
        assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isBetween(1L, 64L));
        assertThat(c.model()).isEqualTo("aideon-local/llama3.1-8b");
    }

    @Test
    void streamingWithUsage() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("aideon/text")
                .addUserMessage("Tell me a short story")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = premium.chat().completions().createStreaming(params)) {
            s.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
            });
        }
        assertThat(text.toString()).isNotBlank();
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
        assertThat(chunks.stream().filter(c -> !c.choices().isEmpty())
                .anyMatch(c -> c.choices().get(0).finishReason().isPresent())).isTrue();
    }

    @Test
    void toolCallsNonStreamingAndStreaming() {
        FunctionDefinition weather = FunctionDefinition.builder().name("get_weather")
                .description("Current weather for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("aideon/text")
                .addUserMessage("What's the weather in Oslo?").addFunctionTool(weather).build();
        ChatCompletion c = premium.chat().completions().create(params);
        ChatCompletionMessageFunctionToolCall call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).contains("\"city\"");
        assertThat(call.id()).isNotBlank();
        assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("tool_calls");

        StringBuilder args = new StringBuilder();
        List<String> names = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = premium.chat().completions().createStreaming(params)) {
            s.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                tc.function().flatMap(f -> f.name()).ifPresent(names::add);
                tc.function().flatMap(f -> f.arguments()).ifPresent(args::append);
            }))));
        }
        assertThat(names).containsExactly("get_weather");
        assertThat(args.toString()).contains("\"city\"");
    }

    @Test
    void jsonMode() throws Exception {
        ChatCompletion c = premium.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("aideon/text").addUserMessage("Give me a JSON object describing a cat")
                .responseFormat(ResponseFormatJsonObject.builder().build()).build());
        String content = c.choices().get(0).message().content().orElseThrow();
        assertThat(GatewayFixture.JSON.readTree(content).isObject()).isTrue();
    }

    @Test
    void legacyCompletions() {
        Completion c = premium.completions().create(CompletionCreateParams.builder()
                .model("aideon/text").prompt("Once upon a time").maxTokens(12).build());
        assertThat(c.choices().get(0).text()).isNotBlank();
    }

    @Test
    void modelsList() {
        List<String> ids = new ArrayList<>();
        premium.models().list().autoPager().forEach(m -> ids.add(m.id()));
        assertThat(ids).contains("aideon/text", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo");
        Model one = premium.models().retrieve("aideon/code");
        assertThat(one.id()).isEqualTo("aideon/code");
    }

    @Test
    void errorsMapToTheSdksExceptions() {
        assertThatThrownBy(() -> premium.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("no/such-model").addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class)
                .satisfies(e -> assertThat(((NotFoundException) e).code()).hasValue("model_not_found"));
        assertThatThrownBy(() -> client("sk-not-a-key").chat().completions().create(ChatCompletionCreateParams.builder()
                .model("aideon/text").addUserMessage("hi").build()))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> client(DemoMode.FREE_KEY).chat().completions().create(ChatCompletionCreateParams.builder()
                .model("meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo").addUserMessage("hi").build()))
                .isInstanceOf(PermissionDeniedException.class)
                .satisfies(e -> assertThat(((PermissionDeniedException) e).code()).hasValue("upgrade_required"));
        assertThatThrownBy(() -> premium.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("aideon/text").addUserMessage("word ".repeat(40_000)).build()))
                .isInstanceOf(BadRequestException.class)
                .satisfies(e -> assertThat(((BadRequestException) e).code()).hasValue("context_length_exceeded"));
    }

    /** Decodes with ImageIO and checks the PNG signature; the gateway promises PNGs. */
    private static BufferedImage png(byte[] bytes) throws Exception {
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(img).isNotNull();
        return img;
    }

    @Test
    void generatesImagesAsBase64() throws Exception {
        ImagesResponse r = premium.images().generate(ImageGenerateParams.builder().model("aideon/image")
                .prompt("a watercolour fox in the snow").n(2).size(ImageGenerateParams.Size._256X256)
                .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON).build());
        assertThat(r.created()).isPositive();
        List<Image> data = r.data().orElseThrow();
        assertThat(data).hasSize(2);
        for (Image image : data) {
            BufferedImage img = png(Base64.getDecoder().decode(image.b64Json().orElseThrow()));
            assertThat(img.getWidth()).isEqualTo(256);
            assertThat(img.getHeight()).isEqualTo(256);
        }
    }

    @Test
    void generatesImagesAsUrls() throws Exception {
        ImagesResponse r = premium.images().generate(ImageGenerateParams.builder().model("aideon/image")
                .prompt("a lighthouse at dusk").size(ImageGenerateParams.Size._1792X1024)
                .quality(ImageGenerateParams.Quality.HD)
                .responseFormat(ImageGenerateParams.ResponseFormat.URL).build());
        String url = r.data().orElseThrow().get(0).url().orElseThrow();
        assertThat(url).startsWith(gw.base() + "/aideon/v1/images/");
        HttpResponse<byte[]> image = gw.http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        BufferedImage img = png(image.body());
        assertThat(img.getWidth()).isEqualTo(1792);
        assertThat(img.getHeight()).isEqualTo(1024);

        assertThatThrownBy(() -> premium.images().generate(ImageGenerateParams.builder().model("aideon/image")
                .prompt("too many").n(11).build()))
                .isInstanceOf(BadRequestException.class)
                .satisfies(e -> assertThat(((BadRequestException) e).param()).hasValue("n"));
    }
}
