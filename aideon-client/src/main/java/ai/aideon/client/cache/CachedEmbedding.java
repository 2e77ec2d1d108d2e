package ai.aideon.client.cache;

import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.catalog.ModelSpec;

import java.time.Instant;

/** Stored vectors for one embeddings request, and the model that computed them. */
public record CachedEmbedding(EmbeddingResponse response, ModelSpec served, Instant storedAt) {

    long approximateBytes() {
        long bytes = 256;
        for (float[] v : response.vectors()) {
            bytes += 32 + 4L * v.length;
        }
        return bytes;
    }
}
