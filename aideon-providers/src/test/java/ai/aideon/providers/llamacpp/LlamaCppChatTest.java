package ai.aideon.providers.llamacpp;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.provider.ChatProvider;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderFactory;
import ai.aideon.providers.TestCalls;
import ai.aideon.testkit.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static ai.aideon.providers.TestCalls.call;
import static ai.aideon.providers.TestCalls.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Chat through llama-server, vLLM and Ollama's /v1: the OpenAI-compatible adapter with the local-engine dialect. */
class LlamaCppChatTest {
    FakeUpstream llama;
    ChatProvider provider;

    @BeforeEach
    void start() {
        llama = FakeUpstream.llamaCpp().models("qwen").contextWindow("qwen", 40).start();
        // base_url is the server root; the adapter talks to <root>/v1
        provider = (ChatProvider) ProviderFactory.create(TestCalls.settings("llamacpp", llama.baseUrl(), null));
    }

    @AfterEach
    void stop() {
        llama.close();
    }

    @Test
    void chatsAndStreamsUnderV1AndSendsDeveloperAsSystem() throws Exception {
        ChatResponse r = provider.chat(call(user("hello llama").messages(List.of(
                ChatMessage.of("developer", "be brief"), ChatMessage.of("user", "hello llama"))).build(), "qwen"));
        assertThat(r.choices().get(0).message().text()).startsWith("Echo: hello llama");
        assertThat(r.usage().completionTokens()).isPositive();
        assertThat(llama.requests().getLast().path()).isEqualTo("/v1/chat/completions");
        assertThat(llama.requests().getLast().body()).contains("\"role\":\"system\"").doesNotContain("developer");

        List<ChatChunk> chunks = TestCalls.drain(provider.stream(call(user("stream it").stream().build(), "qwen")));
        assertThat(TestCalls.text(chunks)).startsWith("Echo: stream it");
        assertThat(chunks.getLast().usage()).isNotNull();
    }

    @Test
    void contextOverflowAndLoadingMapToTheirKinds() {
        ProviderException tooLong = catchThrowableOfType(ProviderException.class, () -> provider.chat(call(
                user("word ".repeat(60).trim()).build(), "qwen")));
        assertThat(tooLong.kind()).isEqualTo(ProviderException.Kind.CONTEXT_LENGTH);
        assertThat(tooLong.getMessage()).contains("exceeds the available context size (40 tokens)");

        llama.loading(true);
        ProviderException loading = catchThrowableOfType(ProviderException.class, () -> provider.chat(call(
                user("hi").build(), "qwen")));
        assertThat(loading.kind()).isEqualTo(ProviderException.Kind.OVERLOADED);
        assertThat(loading.getMessage()).contains("Loading model");
    }

    @Test
    void vllmAndOllamasOpenAiApiUseTheSameAdapter() throws Exception {
        try (FakeUpstream vllm = FakeUpstream.vllm().models("m").start();
             FakeUpstream ollama = FakeUpstream.ollama().models("llama3.2").start()) {
            ChatProvider v = (ChatProvider) ProviderFactory.create(TestCalls.settings("vllm", vllm.baseUrl() + "/v1",
                    null));
            assertThat(v.chat(call(user("hi vllm").build(), "m")).choices().get(0).message().text())
                    .startsWith("Echo: hi vllm");

            var settings = TestCalls.settings("ollama", ollama.baseUrl(), null);
            ChatProvider o = (ChatProvider) ProviderFactory.create(new ai.aideon.providers.ProviderSettings(
                    settings.name(), "ollama", settings.source(), settings.baseUrl(), settings.apiKey(),
                    settings.connectTimeout(), java.util.Map.of("api", "openai")));
            assertThat(o.chat(call(user("hi ollama").build(), "llama3.2")).choices().get(0).message().text())
                    .startsWith("Echo: hi ollama");
            assertThat(ollama.requests().getLast().path()).isEqualTo("/v1/chat/completions");
        }
    }
}
