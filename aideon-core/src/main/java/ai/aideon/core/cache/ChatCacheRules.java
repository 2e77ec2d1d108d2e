package ai.aideon.core.cache;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ContentPart;

import java.util.Optional;

/** Which chat requests may be answered from the cache, and which answers may be kept. */
public final class ChatCacheRules {
    /** OpenAI's finish reason for an answer cut short by a content filter. */
    public static final String CONTENT_FILTER = "content_filter";

    private ChatCacheRules() {
    }

    /**
     * Whether the caller asked for a repeatable answer ({@code temperature: 0} or a {@code seed}): only those go to
     * the exact cache. Without either, a caller who sends the same request twice expects two samples, and replaying
     * the first would quietly change what they asked for.
     */
    public static boolean deterministic(ChatRequest r) {
        return r.seed() != null || (r.temperature() != null && r.temperature() == 0.0);
    }

    /**
     * Whether an answer may be stored: complete, not filtered, not a refusal. A content-filtered or refused answer
     * can depend on the provider's moderation of the day, and replaying it would turn a transient refusal into a
     * permanent one. (Errors and broken streams never reach this: they have no complete answer.)
     */
    public static boolean storable(ChatResponse r) {
        if (r.choices().isEmpty()) {
            return false;
        }
        for (ChatChoice c : r.choices()) {
            if (c.message() == null || CONTENT_FILTER.equals(c.finishReason()) || c.message().refusal() != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why the semantic cache may not answer this request, or empty when it may. It needs a question to compare: the
     * last message must be a user message made only of text. Requests with tools are excluded: a tool call is an
     * action with arguments taken from the exact wording, and a near match would call the tool with someone else's
     * arguments.
     */
    public static Optional<String> semanticIneligibility(ChatRequest r) {
        if (!r.tools().isEmpty() || r.toolChoice() != null) {
            return Optional.of("the request declares tools");
        }
        if (r.messages().isEmpty()) {
            return Optional.of("the request has no messages");
        }
        ChatMessage last = r.messages().getLast();
        if (!"user".equals(last.role())) {
            return Optional.of("the last message is not a user message");
        }
        if (last.content() == null || last.content().isEmpty()
                || !last.content().stream().allMatch(p -> p instanceof ContentPart.Text)) {
            return Optional.of("the last message is not plain text");
        }
        if (last.text().isBlank()) {
            return Optional.of("the last message is empty");
        }
        return Optional.empty();
    }

    /** The text the semantic cache compares: the last user message (see {@link #semanticIneligibility}). */
    public static String semanticQuery(ChatRequest r) {
        return r.messages().getLast().text();
    }
}
