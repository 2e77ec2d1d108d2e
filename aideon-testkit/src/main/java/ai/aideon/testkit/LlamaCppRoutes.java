package ai.aideon.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * llama.cpp's own routes (PROVIDERS.md 7.3, llama.cpp tools/server/README.md): {@code GET /health} (also
 * {@code /v1/health}, no key), {@code GET /props}, and {@code GET /v1/models} (also {@code /models}) listing exactly
 * one model, with {@code meta} null while it loads. Everything else is the OpenAI surface in llama.cpp's dialect.
 *
 * <p>{@code n_ctx} in {@code /props} is the per-slot window a request gets, the configured context window of the
 * fake ({@link FakeUpstream#contextWindow}); {@code meta.n_ctx_train} is the model's larger trained length.
 */
final class LlamaCppRoutes {
    private static final byte[] OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);
    private static final int N_CTX_TRAIN = 131_072;
    private static final long CREATED = 1_735_142_223L;

    private final FakeUpstream upstream;

    LlamaCppRoutes(FakeUpstream upstream) {
        this.upstream = upstream;
    }

    Reply route(HttpRequest req, OpenAiRoutes openAi) {
        boolean get = req.method().equals("GET") || req.method().equals("HEAD");
        String path = req.path();
        if (get && (path.equals("/health") || path.equals("/v1/health"))) {
            return upstream.isLoading() ? ProviderErrors.loading(Dialect.LLAMACPP) : Reply.json(200, OK);
        }
        if (get && (path.equals("/v1/models") || path.equals("/models"))) {
            return models();
        }
        if (upstream.isLoading()) {
            return ProviderErrors.loading(Dialect.LLAMACPP);
        }
        if (get && path.equals("/props")) {
            return props();
        }
        // Chat, completions, embeddings, key checks and unknown paths: the OpenAI surface in llama.cpp's words.
        return openAi.route(req, Dialect.LLAMACPP);
    }

    private String modelId() {
        return upstream.catalog().listed().get(0);
    }

    private Reply models() {
        String id = modelId();
        ObjectNode root = Json.object();
        root.put("object", "list");
        ObjectNode m = root.putArray("data").addObject();
        m.put("id", id);
        m.put("object", "model");
        ObjectNode arch = m.putObject("architecture");
        arch.putArray("input_modalities").add("text");
        arch.putArray("output_modalities").add("text");
        m.put("created", CREATED);
        m.put("owned_by", "llamacpp");
        if (upstream.isLoading()) {
            m.putNull("meta");
        } else {
            ObjectNode meta = m.putObject("meta");
            meta.put("vocab_type", 2);
            meta.put("n_vocab", 151_936);
            meta.put("n_ctx_train", Math.max(N_CTX_TRAIN, upstream.catalog().advertisedWindow(id)));
            meta.put("n_embd", 896);
            meta.put("n_params", 494_032_768L);
            meta.put("size", 397_807_616L);
        }
        return Reply.json(200, Json.bytes(root));
    }

    private Reply props() {
        String id = modelId();
        ObjectNode root = Json.object();
        ObjectNode settings = root.putObject("default_generation_settings");
        settings.put("id", 0);
        settings.put("id_task", -1);
        settings.put("n_ctx", upstream.catalog().advertisedWindow(id));
        settings.put("speculative", false);
        settings.put("is_processing", false);
        ObjectNode params = settings.putObject("params");
        params.put("n_predict", -1);
        params.put("seed", 4_294_967_295L);
        params.put("temperature", 0.8);
        params.put("top_k", 40);
        params.put("top_p", 0.95);
        params.put("min_p", 0.05);
        params.put("max_tokens", -1);
        params.put("stream", true);
        ArrayNode samplers = params.putArray("samplers");
        for (String s : new String[] {"dry", "top_k", "typ_p", "top_p", "min_p", "xtc", "temperature"}) {
            samplers.add(s);
        }
        root.put("total_slots", 1);
        root.put("model_path", id);
        root.put("chat_template", "{% for message in messages %}{{ message.content }}{% endfor %}");
        ObjectNode caps = root.putObject("chat_template_caps");
        caps.put("supports_tools", true);
        caps.put("supports_system_role", true);
        ObjectNode modalities = root.putObject("modalities");
        modalities.put("vision", false);
        modalities.put("audio", false);
        root.put("build_info", "b6490-fakeupstream");
        root.put("is_sleeping", false);
        return Reply.json(200, Json.bytes(root));
    }
}
