package ai.aideon.core.provider;

import ai.aideon.core.api.GeneratedImages;
import ai.aideon.core.api.ImageRequest;

/** Serves image-generation models. */
public interface ImageProvider {
    String name();

    GeneratedImages generate(ModalityCall<ImageRequest> call) throws ProviderException;
}
