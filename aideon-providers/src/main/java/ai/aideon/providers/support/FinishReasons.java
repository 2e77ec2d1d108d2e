package ai.aideon.providers.support;

import java.util.Locale;

/**
 * Normalises upstream finish reasons to OpenAI's set (stop, length, tool_calls, content_filter), which is what the
 * canonical API promises. Together says {@code eos}, Ollama {@code stop}/{@code length}/{@code load}, old OpenAI
 * models {@code function_call}.
 */
public final class FinishReasons {
    private FinishReasons() {
    }

    /** Null stays null (a chunk that has not finished); unknown reasons become {@code stop}. */
    public static String normalize(String upstream) {
        if (upstream == null || upstream.isEmpty()) {
            return null;
        }
        return switch (upstream.toLowerCase(Locale.ROOT)) {
            case "length", "max_tokens" -> "length";
            case "tool_calls", "function_call", "tool_call" -> "tool_calls";
            case "content_filter" -> "content_filter";
            default -> "stop";
        };
    }
}
