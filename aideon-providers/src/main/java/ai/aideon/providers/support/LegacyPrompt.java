package ai.aideon.providers.support;

import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;

import java.util.List;

/** The prompt of a request that came in through {@code /v1/completions} ({@link ChatRequest#legacyPrompt()}). */
public final class LegacyPrompt {
    private LegacyPrompt() {
    }

    /** The single user message's text; should a caller build one with several messages, all their text. */
    public static String text(ChatRequest r) {
        List<ChatMessage> messages = r.messages();
        if (messages.size() == 1) {
            return messages.get(0).text();
        }
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            if (!sb.isEmpty()) {
                sb.append("\n\n");
            }
            sb.append(m.text());
        }
        return sb.toString();
    }
}
