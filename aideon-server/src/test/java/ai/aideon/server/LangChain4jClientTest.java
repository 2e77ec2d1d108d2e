package ai.aideon.server;

import ai.aideon.client.DemoMode;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** LangChain4j's OpenAI models pointed at the gateway. */
class LangChain4jClientTest {
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
    void chatModelAnswers() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(gw.base() + "/v1").apiKey(DemoMode.FREE_KEY)
                .modelName("aideon/text").maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        ChatResponse r = model.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from("What is the capital of Norway?")).build());
        assertThat(r.aiMessage().text()).isNotBlank();
        assertThat(r.tokenUsage().outputTokenCount()).isPositive();
        assertThat(r.metadata().modelName()).isEqualTo("meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo");
    }

    @Test
    void streamingChatModelStreamsAndCompletes() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(gw.base() + "/v1")
                .apiKey(DemoMode.PREMIUM_KEY).modelName("aideon/text").timeout(Duration.ofSeconds(30)).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("Tell me about the sea", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String token) {
                partial.append(token);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse r = done.get(30, TimeUnit.SECONDS);
        assertThat(partial.toString()).isNotBlank();
        assertThat(r.aiMessage().text()).isEqualTo(partial.toString());
    }
}
