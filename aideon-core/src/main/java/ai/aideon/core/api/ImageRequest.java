package ai.aideon.core.api;

/**
 * Image generation: {@code n} images of {@code width}×{@code height} pixels.
 *
 * @param quality        a hint (standard, hd, low, medium, high, auto); the gateway also turns it into a route role
 * @param seed           makes a generation repeatable where the model supports it; null = the provider's choice
 * @param negativePrompt what to steer away from (diffusion models); null for none
 * @param wantsUrls      the client asked for URLs: a provider that hosts its images may return URLs instead of bytes
 *                       (the gateway hosts bytes itself otherwise), so nothing is downloaded only to be re-served
 */
public record ImageRequest(String model, String prompt, int n, int width, int height, String quality, Long seed,
                           String negativePrompt, boolean wantsUrls) {
    public ImageRequest {
        if (n < 1 || width < 1 || height < 1) {
            throw new IllegalArgumentException("n, width and height must be positive");
        }
    }
}
