package ai.aideon.core.api;

import java.util.List;

/** What one stream chunk adds to one choice. Any field may be null; finishReason is set on the last delta. */
public record ChoiceDelta(int index, String role, String content, List<ToolCallDelta> toolCalls,
                          String finishReason) {
    public ChoiceDelta {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChoiceDelta text(int index, String content) {
        return new ChoiceDelta(index, null, content, null, null);
    }
}
