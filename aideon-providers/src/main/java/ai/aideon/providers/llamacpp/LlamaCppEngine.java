package ai.aideon.providers.llamacpp;

import ai.aideon.core.api.Modality;
import ai.aideon.core.catalog.Capability;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.engine.DiscoveredModel;
import ai.aideon.providers.engine.EngineType;
import ai.aideon.providers.engine.HealthEndpointEngine;
import ai.aideon.providers.engine.ProbeResult;
import ai.aideon.providers.http.HttpAnswer;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * llama.cpp's {@code llama-server}: {@code GET /health} answers 200 {@code {"status":"ok"}} when ready and 503
 * {@code {"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}} while the model loads (it needs
 * no key). Models: {@code GET /v1/models} (one entry; its id is the model path unless started with {@code --alias}),
 * and {@code GET /props} for the context each request gets: {@code default_generation_settings.n_ctx}, which is the
 * per-slot window ({@code -c} divided among {@code -np} slots), smaller than the model's trained
 * {@code meta.n_ctx_train}. When {@code /props} cannot be read the window stays unknown (0) rather than the trained
 * one: promising a window the server then refuses would only trade a skip for a 400.
 *
 * <p>A model listed by its file path is named by its file name in the catalog ({@code llamacpp/qwen2.5-7b-q4.gguf});
 * the request still carries the full id, which llama-server ignores anyway with one model loaded.
 */
public final class LlamaCppEngine extends HealthEndpointEngine {

    public LlamaCppEngine(ProviderSettings settings, Clock clock) {
        super(settings, clock, EngineType.LLAMACPP);
    }

    /** 503 is llama-server loading its model: it will be ready, so it is not dead. */
    @Override
    protected ProbeResult notHealthy(HttpAnswer a) {
        return a.status() == 503 ? ProbeResult.loading(endpoints.describe(a)) : ProbeResult.down(endpoints.describe(a));
    }

    @Override
    public List<DiscoveredModel> discover() throws ProviderException {
        JsonNode models = endpoints.getJson("/v1/models");
        JsonNode props = null;
        try {
            props = endpoints.getJson("/props");
        } catch (ProviderException e) {
            if (e.kind() != ProviderException.Kind.NOT_FOUND) {
                throw e; // 404: an older build or a router without a default model; the rest still works
            }
        }
        int nCtx = props == null ? 0 : props.path("default_generation_settings").path("n_ctx").asInt(0);
        Set<Capability> caps = EnumSet.of(Capability.STREAMING, Capability.JSON);
        if (props != null && props.path("modalities").path("vision").asBoolean(false)) {
            caps.add(Capability.VISION);
        }
        if (props != null && props.path("chat_template_caps").path("supports_tools").asBoolean(false)) {
            caps.add(Capability.TOOLS);
        }
        List<DiscoveredModel> out = new ArrayList<>();
        JsonNode data = models.path("data");
        for (JsonNode m : data) {
            String id = m.path("id").asText(null);
            if (id == null || id.isBlank()) {
                continue;
            }
            // /props describes the one loaded model; with several (router mode) it says nothing per model.
            int window = data.size() == 1 ? nCtx : 0;
            out.add(new DiscoveredModel(id, catalogName(id), Modality.TEXT, window, caps));
        }
        return out;
    }

    /** {@code ../models/Qwen2.5-7B-Q4_K_M.gguf} → {@code Qwen2.5-7B-Q4_K_M.gguf}; an alias stays as it is. */
    static String catalogName(String id) {
        if (!id.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
            return id;
        }
        int cut = Math.max(id.lastIndexOf('/'), id.lastIndexOf('\\'));
        return id.substring(cut + 1);
    }
}
