package ai.aideon.core.route;

/**
 * How conservative context-fit decisions are.
 *
 * @param tokenMarginFraction share added on top of the cl100k prompt count, because open models' tokenizers
 *                            (Mistral, CodeLlama …) produce more tokens than cl100k for the same text
 * @param tokenMarginFixed    tokens added after the fraction: chat-template framing we cannot see
 * @param minCompletionTokens room left for the answer when the request gives no {@code max_tokens}; without it a
 *                            prompt that exactly fills the window would "fit" and get a zero-token answer
 */
public record RouterSettings(double tokenMarginFraction, int tokenMarginFixed, int minCompletionTokens) {

    public RouterSettings {
        if (tokenMarginFraction < 0 || tokenMarginFixed < 0 || minCompletionTokens < 0) {
            throw new IllegalArgumentException("router margins must not be negative");
        }
    }

    public static RouterSettings defaults() {
        return new RouterSettings(0.10, 16, 256);
    }
}
