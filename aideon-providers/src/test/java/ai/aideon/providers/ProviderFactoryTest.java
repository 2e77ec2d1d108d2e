package ai.aideon.providers;

import ai.aideon.core.api.Source;
import ai.aideon.providers.ollama.OllamaProvider;
import ai.aideon.providers.openai.OpenAiCompatibleProvider;
import ai.aideon.providers.together.TogetherProvider;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProviderFactoryTest {

    @Test
    void createsEachType() {
        assertThat(ProviderFactory.create(TestCalls.settings("together", "https://api.together.xyz/v1", "k")))
                .isInstanceOf(TogetherProvider.class);
        assertThat(ProviderFactory.create(TestCalls.settings("OpenAI", "http://127.0.0.1:8000/v1", null)))
                .isInstanceOf(OpenAiCompatibleProvider.class);
        assertThat(ProviderFactory.create(TestCalls.settings("ollama", "http://127.0.0.1:11434", null)))
                .isInstanceOf(OllamaProvider.class);
        assertThat(ProviderFactory.create(TestCalls.settings("llamacpp", "http://127.0.0.1:8080", null)))
                .isInstanceOf(OpenAiCompatibleProvider.class);
        assertThat(ProviderFactory.create(TestCalls.settings("vllm", "http://127.0.0.1:8000/v1", null)))
                .isInstanceOf(OpenAiCompatibleProvider.class);
        assertThat(ProviderFactory.create(TestCalls.settings("whisper-cpp", "http://127.0.0.1:8081", null)))
                .isInstanceOf(ai.aideon.providers.whispercpp.WhisperCppProvider.class);
        for (String type : java.util.List.of("ollama", "llamacpp", "vllm", "whisper-cpp")) {
            assertThat(ProviderFactory.localEngine(TestCalls.settings(type, "http://127.0.0.1:1", null),
                    java.time.Clock.systemUTC())).as(type).hasValueSatisfying(e -> assertThat(e.type().configName())
                    .isEqualTo(type));
        }
    }

    @Test
    void unknownTypeNamesTheValidOnes() {
        assertThatThrownBy(() -> ProviderFactory.create(TestCalls.settings("runpod", "http://x", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runpod").hasMessageContaining("together, openai, ollama, llamacpp, vllm");
    }

    @Test
    void settingsNeverShowTheKey() {
        ProviderSettings s = new ProviderSettings("together", "together", Source.CLOUD,
                URI.create("https://api.together.xyz/v1"), Secret.of("sk-very-secret"), Duration.ofSeconds(3),
                Map.of("header.X-Api-Key", "also-secret"));
        assertThat(s.toString()).doesNotContain("sk-very-secret").doesNotContain("also-secret")
                .contains("apiKey=****").contains("header.X-Api-Key");
        assertThat(s.apiKey().reveal()).isEqualTo("sk-very-secret");
    }

    @Test
    void secretBasics() {
        assertThat(Secret.of(null).present()).isFalse();
        assertThat(Secret.of("  ").present()).isFalse();
        assertThat(Secret.of("abc").toString()).isEqualTo("****");
        assertThat(Secret.of("abc")).isEqualTo(Secret.of(" abc ")).isNotEqualTo(Secret.of("abd"));
        assertThat(Secret.of(null)).isEqualTo(Secret.absent()).isNotEqualTo(Secret.of("abc"));
        assertThatThrownBy(() -> Secret.absent().reveal()).isInstanceOf(IllegalStateException.class);
        ProviderSettings defaults = new ProviderSettings("local", "ollama", null, URI.create("http://h"), null, null,
                null);
        assertThat(defaults.connectTimeout()).isEqualTo(ProviderSettings.DEFAULT_CONNECT_TIMEOUT);
        assertThat(defaults.apiKey().present()).isFalse();
        assertThat(defaults.toString()).contains("apiKey=absent");
    }
}
