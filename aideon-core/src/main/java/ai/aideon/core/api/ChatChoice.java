package ai.aideon.core.api;

/** One complete choice. finishReason is normalised to OpenAI's set: stop, length, tool_calls, content_filter. */
public record ChatChoice(int index, ChatMessage message, String finishReason) {
}
