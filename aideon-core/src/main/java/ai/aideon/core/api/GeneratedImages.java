package ai.aideon.core.api;

import java.util.List;

/** Generated images: each either bytes (with a media type) or a URL the provider hosts. */
public record GeneratedImages(List<Image> images) {
    public GeneratedImages {
        images = List.copyOf(images);
    }

    public record Image(byte[] bytes, String mediaType, String url, String revisedPrompt) {
    }
}
