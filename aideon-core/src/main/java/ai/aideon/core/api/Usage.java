package ai.aideon.core.api;

/** Token usage as reported by the upstream (or counted by us when it reports none). */
public record Usage(long promptTokens, long completionTokens) {
    public static final Usage ZERO = new Usage(0, 0);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("negative token count");
        }
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    public Usage plus(Usage other) {
        return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens);
    }
}
