package ai.aideon.core.api;

import java.util.List;

/**
 * Generated images: each either bytes (with a media type) or a URL the provider hosts. The number of images is
 * what the request is billed by, so a provider returns exactly the images it produced.
 */
public record GeneratedImages(List<Image> images) {
    public GeneratedImages {
        images = List.copyOf(images);
    }

    /** One image: {@code bytes} and {@code mediaType}, or {@code url}; {@code revisedPrompt} when the model rewrote it. */
    public record Image(byte[] bytes, String mediaType, String url, String revisedPrompt) {
        public Image {
            if ((bytes == null) == (url == null)) {
                throw new IllegalArgumentException("an image is either bytes or a url");
            }
        }

        public static Image ofBytes(byte[] bytes, String mediaType) {
            return new Image(bytes, mediaType, null, null);
        }

        public static Image ofUrl(String url) {
            return new Image(null, null, url, null);
        }
    }
}
