package ai.aideon.core.api;

import java.util.List;

/** One vector per input, in input order; {@code usage.promptTokens} counts the input tokens. */
public record EmbeddingResponse(String model, List<float[]> vectors, Usage usage) {
    public EmbeddingResponse {
        vectors = List.copyOf(vectors);
    }
}
