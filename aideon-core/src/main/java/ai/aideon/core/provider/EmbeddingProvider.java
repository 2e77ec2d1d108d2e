package ai.aideon.core.provider;

import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.EmbeddingResponse;

/** Serves embedding models. Failures are {@link ProviderException}s, as for chat. */
public interface EmbeddingProvider {
    String name();

    EmbeddingResponse embed(ModalityCall<EmbeddingRequest> call) throws ProviderException;
}
