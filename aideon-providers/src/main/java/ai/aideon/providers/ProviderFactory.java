package ai.aideon.providers;

import ai.aideon.providers.engine.EngineEndpoints;
import ai.aideon.providers.engine.EngineType;
import ai.aideon.providers.engine.LocalEngine;
import ai.aideon.providers.llamacpp.LlamaCppEngine;
import ai.aideon.providers.ollama.OllamaEngine;
import ai.aideon.providers.ollama.OllamaProvider;
import ai.aideon.providers.openai.OpenAiCompatibleProvider;
import ai.aideon.providers.openai.OpenAiDialect;
import ai.aideon.providers.together.TogetherProvider;
import ai.aideon.providers.vllm.VllmEngine;
import ai.aideon.providers.whispercpp.WhisperCppEngine;
import ai.aideon.providers.whispercpp.WhisperCppProvider;

import java.net.URI;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * Builds the adapter for a configured provider type, and for local engines also their management side
 * ({@link #localEngine}: health probe and model discovery).
 *
 * <p>llama.cpp, vLLM and Ollama's {@code api: openai} are the OpenAI-compatible adapter with the local-engine
 * dialect, pointed at {@code <root>/v1}; nothing about their chat wire is theirs alone.
 */
public final class ProviderFactory {
    public static final String VALID_TYPES = "together, openai, ollama, llamacpp, vllm, whisper-cpp";

    private ProviderFactory() {
    }

    /**
     * One provider instance. It implements each modality interface it serves ({@code ChatProvider},
     * {@code EmbeddingProvider}, {@code TranscriptionProvider} …), which is why the type is not narrower: whisper.cpp
     * only transcribes, Together does everything.
     */
    public static Object create(ProviderSettings settings) {
        return switch (settings.type().toLowerCase(Locale.ROOT)) {
            case "together" -> new TogetherProvider(settings);
            case "openai" -> new OpenAiCompatibleProvider(settings);
            case "ollama" -> ollamaApi(settings).equals("openai") ? openAiUnder(settings)
                    : new OllamaProvider(settings);
            case "llamacpp", "vllm" -> openAiUnder(settings);
            case "whisper-cpp" -> new WhisperCppProvider(settings);
            default -> throw new IllegalArgumentException("unknown provider type '" + settings.type()
                    + "' for provider '" + settings.name() + "'; valid types: " + VALID_TYPES);
        };
    }

    /** The health probe and model discovery of a local engine type; empty for cloud and in-process providers. */
    public static Optional<LocalEngine> localEngine(ProviderSettings settings, Clock clock) {
        return EngineType.fromConfig(settings.type()).map(type -> switch (type) {
            case OLLAMA -> new OllamaEngine(settings, clock);
            case LLAMACPP -> new LlamaCppEngine(settings, clock);
            case VLLM -> new VllmEngine(settings, clock);
            case WHISPER_CPP -> new WhisperCppEngine(settings, clock);
        });
    }

    /** {@code native} (default) or {@code openai}: which of Ollama's two APIs chat goes through. */
    public static String ollamaApi(ProviderSettings settings) {
        return settings.option("api", "native").trim().toLowerCase(Locale.ROOT);
    }

    private static OpenAiCompatibleProvider openAiUnder(ProviderSettings settings) {
        URI v1 = URI.create(EngineEndpoints.rootOf(settings.baseUrl()) + "/v1");
        return new OpenAiCompatibleProvider(settings.withBaseUrl(v1), OpenAiDialect.LOCAL_ENGINE, Clock.systemUTC());
    }
}
