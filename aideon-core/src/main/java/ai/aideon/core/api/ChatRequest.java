package ai.aideon.core.api;

import java.util.List;
import java.util.Map;

/**
 * The canonical chat request (text, code and vision). The HTTP layer translates OpenAI's wire shape into this
 * once; adapters translate it into their provider's wire shape. Nullable boxed fields mean "not given".
 *
 * @param model         a route alias ({@code aideon/text}) or a concrete catalog model id
 * @param maxTokens     {@code max_completion_tokens}, else {@code max_tokens}; null when absent
 * @param n             number of choices (≥1)
 * @param metadata      request metadata; {@code aideon_role} selects a role
 * @param legacyPrompt  true when this came from {@code /v1/completions}: a single user message holds the prompt
 */
public record ChatRequest(String model, List<ChatMessage> messages, boolean stream, boolean includeUsage,
                          Integer maxTokens, Double temperature, Double topP, List<String> stop, Long seed, int n,
                          List<ToolSpec> tools, ToolChoice toolChoice, Boolean parallelToolCalls,
                          ResponseFormat responseFormat, String user, Map<String, String> metadata,
                          boolean legacyPrompt) {

    public ChatRequest {
        messages = List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
        tools = tools == null ? List.of() : List.copyOf(tools);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1");
        }
    }

    /** A minimal request: model + messages, everything else default. */
    public static ChatRequest of(String model, List<ChatMessage> messages) {
        return new ChatRequest(model, messages, false, false, null, null, null, null, null, 1, null, null, null,
                null, null, null, false);
    }

    public boolean hasImages() {
        return messages.stream().anyMatch(ChatMessage::hasImages);
    }

    public boolean wantsTools() {
        return !tools.isEmpty() && (toolChoice == null || !"none".equals(toolChoice.mode()));
    }

    public boolean wantsJson() {
        return responseFormat != null && responseFormat.wantsJson();
    }

    public ChatRequest withModel(String newModel) {
        return new ChatRequest(newModel, messages, stream, includeUsage, maxTokens, temperature, topP, stop, seed,
                n, tools, toolChoice, parallelToolCalls, responseFormat, user, metadata, legacyPrompt);
    }

    public ChatRequest withStream(boolean newStream, boolean newIncludeUsage) {
        return new ChatRequest(model, messages, newStream, newIncludeUsage, maxTokens, temperature, topP, stop,
                seed, n, tools, toolChoice, parallelToolCalls, responseFormat, user, metadata, legacyPrompt);
    }
}
