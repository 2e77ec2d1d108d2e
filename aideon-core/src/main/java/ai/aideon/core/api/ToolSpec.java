package ai.aideon.core.api;

/** A function the model may call. {@code parametersJson} is the JSON Schema as raw JSON text (or null). */
public record ToolSpec(String name, String description, String parametersJson, Boolean strict) {
}
