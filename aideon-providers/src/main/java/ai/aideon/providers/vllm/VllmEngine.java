package ai.aideon.providers.vllm;

import ai.aideon.core.api.Modality;
import ai.aideon.core.catalog.Capability;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.engine.DiscoveredModel;
import ai.aideon.providers.engine.EngineType;
import ai.aideon.providers.engine.HealthEndpointEngine;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * vLLM's OpenAI server: {@code GET /health} answers 200 with an empty body once the engine runs (while it starts the
 * port is not even open), and {@code GET /v1/models} lists the served model and any LoRA adapters with their
 * {@code max_model_len}, the window vLLM enforces. Tool calling needs server flags the listing does not show, so
 * discovered models do not claim tools; declare the model under {@code models:} to say it has them.
 */
public final class VllmEngine extends HealthEndpointEngine {

    public VllmEngine(ProviderSettings settings, Clock clock) {
        super(settings, clock, EngineType.VLLM);
    }

    @Override
    public List<DiscoveredModel> discover() throws ProviderException {
        List<DiscoveredModel> out = new ArrayList<>();
        for (JsonNode m : endpoints.getJson("/v1/models").path("data")) {
            String id = m.path("id").asText(null);
            if (id == null || id.isBlank()) {
                continue;
            }
            out.add(new DiscoveredModel(id, id, Modality.TEXT, m.path("max_model_len").asInt(0),
                    EnumSet.of(Capability.STREAMING, Capability.JSON)));
        }
        return out;
    }
}
