package ai.aideon.core.api;

import java.util.List;

/**
 * One chat message. Roles: developer, system, user, assistant, tool. {@code content} is null when the message
 * has none (an assistant message that only calls tools).
 */
public record ChatMessage(String role, List<ContentPart> content, String name, List<ToolCall> toolCalls,
                          String toolCallId, String refusal) {

    public ChatMessage {
        content = content == null ? null : List.copyOf(content);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChatMessage of(String role, String text) {
        return new ChatMessage(role, List.of(new ContentPart.Text(text)), null, null, null, null);
    }

    public static ChatMessage assistant(String text, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", text == null ? null : List.of(new ContentPart.Text(text)), null,
                toolCalls, null, null);
    }

    /** All text parts joined; empty string when there are none. */
    public String text() {
        if (content == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (ContentPart p : content) {
            if (p instanceof ContentPart.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    public boolean hasImages() {
        return content != null && content.stream().anyMatch(p -> p instanceof ContentPart.Image);
    }
}
