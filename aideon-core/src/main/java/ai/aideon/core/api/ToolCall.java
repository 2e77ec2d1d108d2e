package ai.aideon.core.api;

/** A function call the assistant asked for. {@code argumentsJson} is a JSON-encoded string, possibly invalid. */
public record ToolCall(String id, String name, String argumentsJson) {
}
