package ai.aideon.core.api;

/** Image generation: {@code n} images of {@code width}×{@code height}; {@code quality} is a hint (standard, hd …). */
public record ImageRequest(String model, String prompt, int n, int width, int height, String quality, Long seed,
                           String negativePrompt) {
}
