package ai.aideon.core.api;

import java.util.List;

/** The canonical non-streaming chat answer. {@code model} is the upstream's model id as it reported it. */
public record ChatResponse(String id, long created, String model, List<ChatChoice> choices, Usage usage,
                           String systemFingerprint) {
    public ChatResponse {
        choices = List.copyOf(choices);
    }

    /** Text of the first choice, empty when it has none. */
    public String firstText() {
        return choices.isEmpty() ? "" : choices.get(0).message().text();
    }
}
