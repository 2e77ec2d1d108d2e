package ai.aideon.core.api;

import java.util.List;

/**
 * The canonical embeddings request. {@code dimensions} (nullable) asks a model that supports it for shorter vectors;
 * the encoding (float or base64) is a wire concern of the HTTP layer, not of providers.
 */
public record EmbeddingRequest(String model, List<String> inputs, Integer dimensions, String user) {
    public EmbeddingRequest {
        inputs = List.copyOf(inputs);
    }
}
