package ai.aideon.core.api;

/** {@code none|auto|required}, or a specific function ({@code mode = "function"}, {@code functionName} set). */
public record ToolChoice(String mode, String functionName) {
    public static ToolChoice of(String mode) {
        return new ToolChoice(mode, null);
    }

    public static ToolChoice function(String name) {
        return new ToolChoice("function", name);
    }
}
