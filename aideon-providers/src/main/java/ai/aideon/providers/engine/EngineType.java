package ai.aideon.providers.engine;

import java.util.Locale;
import java.util.Optional;

/**
 * The local inference servers Aideon knows how to probe (and, except whisper.cpp, to ask for their models). Their
 * {@code base_url} is the server root, as a browser would open it: health and model endpoints live there
 * ({@code /health}, {@code /props}, {@code /api/tags}), and the OpenAI-compatible API under {@code /v1}.
 */
public enum EngineType {
    /** Ollama: native {@code /api/*}, or its OpenAI-compatible {@code /v1} with {@code api: openai}. */
    OLLAMA("ollama", true),
    /** llama.cpp's {@code llama-server}: one model (or a router of several), {@code /health}, {@code /props}. */
    LLAMACPP("llamacpp", true),
    /** vLLM's OpenAI server: {@code /v1/models} carries {@code max_model_len}; {@code /health} answers 200. */
    VLLM("vllm", true),
    /** whisper.cpp's {@code whisper-server}: {@code POST /inference}; it has no model list to discover. */
    WHISPER_CPP("whisper-cpp", false);

    private final String configName;
    private final boolean discovers;

    EngineType(String configName, boolean discovers) {
        this.configName = configName;
        this.discovers = discovers;
    }

    /** The {@code type:} value in aideon.yaml. */
    public String configName() {
        return configName;
    }

    /** Whether the engine can list its models (and so {@code discover: true} makes sense). */
    public boolean discovers() {
        return discovers;
    }

    public static Optional<EngineType> fromConfig(String type) {
        if (type == null) {
            return Optional.empty();
        }
        String t = type.trim().toLowerCase(Locale.ROOT);
        for (EngineType e : values()) {
            if (e.configName.equals(t)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
