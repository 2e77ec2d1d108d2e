package ai.aideon.testkit;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which models a fake serves and their context windows.
 *
 * <p>Until {@link #serveOnly} is called every model name is accepted (convenient for tests that do not care);
 * listings then show one representative default model. Ollama names are normalised the way Ollama does it:
 * {@code llama3.2} and {@code llama3.2:latest} are the same model.
 */
final class ModelCatalog {

    /** Context length reported in listings when the test did not configure one (llama 3.x long context). */
    static final int DEFAULT_CONTEXT = 131_072;

    private final Flavor flavor;
    private volatile List<String> served; // null = accept any
    private final Map<String, Integer> windows = new ConcurrentHashMap<>();
    private final Map<String, List<String>> capabilities = new ConcurrentHashMap<>();
    private final Map<String, Integer> modelfileNumCtx = new ConcurrentHashMap<>();

    ModelCatalog(Flavor flavor) {
        this.flavor = flavor;
    }

    void serveOnly(String... ids) {
        for (String id : ids) Objects.requireNonNull(id, "model id");
        served = List.of(ids).stream().map(this::normalize).toList();
    }

    void contextWindow(String modelId, int tokens) {
        if (tokens < 1) throw new IllegalArgumentException("context window must be >= 1");
        windows.put(normalize(Objects.requireNonNull(modelId, "modelId")), tokens);
    }

    void capabilities(String modelId, List<String> caps) {
        capabilities.put(normalize(Objects.requireNonNull(modelId, "modelId")), List.copyOf(caps));
    }

    void modelfileNumCtx(String modelId, int numCtx) {
        if (numCtx < 1) throw new IllegalArgumentException("num_ctx must be >= 1");
        modelfileNumCtx.put(normalize(Objects.requireNonNull(modelId, "modelId")), numCtx);
    }

    /** Ollama's {@code /api/show} capabilities of a model (configured, or guessed from its name). */
    List<String> capabilitiesOf(String model) {
        List<String> set = capabilities.get(normalize(model));
        if (set != null) return set;
        String lower = model.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("embed")) return List.of("embedding");
        if (lower.contains("llava") || lower.contains("vision")) return List.of("completion", "vision");
        return List.of("completion", "tools");
    }

    /** The Modelfile's num_ctx, or null. */
    Integer modelfileNumCtx(String model) {
        return modelfileNumCtx.get(normalize(model));
    }

    boolean knows(String model) {
        // llama-server answers with its one loaded model whatever a request names.
        if (flavor == Flavor.LLAMACPP) return true;
        List<String> ids = served;
        return ids == null || ids.contains(normalize(model));
    }

    /** Configured context window, or null when the test set none (then nothing is rejected or truncated). */
    Integer window(String model) {
        // llama-server runs its one loaded model whatever the request names.
        if (flavor == Flavor.LLAMACPP) return windows.get(listed().get(0));
        return windows.get(normalize(model));
    }

    /** Context length to advertise in listings. */
    int advertisedWindow(String model) {
        Integer w = window(model);
        return w == null ? DEFAULT_CONTEXT : w;
    }

    /** Ids to list: the served ones, or a flavour-typical default when any model is accepted. */
    List<String> listed() {
        List<String> ids = served;
        if (ids != null) return ids;
        return List.of(switch (flavor) {
            case TOGETHER -> "meta-llama/Llama-3.3-70B-Instruct-Turbo";
            case OPENAI -> "gpt-4o-mini";
            case OLLAMA -> "llama3.2:latest";
            case LLAMACPP -> "models/qwen2.5-0.5b-instruct-q4_k_m.gguf"; // the -m path, as llama-server lists it
            case VLLM -> "Qwen/Qwen2.5-1.5B-Instruct";
            case WHISPER_CPP -> "models/ggml-base.en.bin";
        });
    }

    /** The canonical form of a name for this flavour. */
    String normalize(String model) {
        if (flavor == Flavor.OLLAMA && model.indexOf(':') < 0) return model + ":latest";
        return model;
    }
}
