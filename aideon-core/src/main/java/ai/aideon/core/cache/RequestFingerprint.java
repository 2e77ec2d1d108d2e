package ai.aideon.core.cache;

import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ContentPart;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolChoice;
import ai.aideon.core.api.ToolSpec;

import java.util.List;

/**
 * Stable keys for cached answers: a SHA-256 of a canonical serialization of everything that changes the answer.
 *
 * <p>In the key: the model string as asked (alias or concrete id), every message (role, name, each content part
 * including inline image and audio data, tool calls and ids, refusals), {@code max_tokens}, {@code temperature},
 * {@code top_p}, {@code stop}, {@code seed}, {@code n}, {@code tools}, {@code tool_choice},
 * {@code parallel_tool_calls}, {@code response_format}, whether it came from {@code /v1/completions}, and the
 * {@link CacheScope} minus the tenant (tier, role, local-only; the tenant is a separate part of the cache key).
 *
 * <p>Not in the key, because they don't change the answer: {@code stream} and {@code stream_options} (a streamed
 * and a plain request share entries; the cache replays either shape), {@code user} (an end-user id for abuse
 * tracking, not an input of the model) and {@code metadata} (its only effect, {@code aideon_role}, is already in the
 * scope's role).
 *
 * <p>Raw JSON texts (tool schemas, JSON schemas, tool arguments) are hashed as sent: the same schema spelled with
 * other whitespace is another key, which only costs a miss.
 */
public final class RequestFingerprint {
    private static final String CHAT = "aideon-cache/chat/v1";
    private static final String CHAT_CONTEXT = "aideon-cache/chat-context/v1";
    private static final String EMBEDDINGS = "aideon-cache/embeddings/v1";

    private RequestFingerprint() {
    }

    /** The exact-cache key of a chat request (without the tenant). */
    public static String chat(ChatRequest r, CacheScope scope) {
        CanonicalDigest d = new CanonicalDigest(CHAT);
        scope(d, scope);
        parameters(d, r);
        messages(d, r.messages());
        return d.hex();
    }

    /**
     * The semantic cache's context key: the same as {@link #chat} except for the last message, whose text is
     * compared by meaning instead. Two requests can only share an answer when everything before their last user
     * message (system prompt, earlier turns) and every parameter is identical.
     *
     * @throws IllegalArgumentException when the request has no messages
     */
    public static String chatContext(ChatRequest r, CacheScope scope) {
        if (r.messages().isEmpty()) {
            throw new IllegalArgumentException("a chat request without messages has no context");
        }
        CanonicalDigest d = new CanonicalDigest(CHAT_CONTEXT);
        scope(d, scope);
        parameters(d, r);
        messages(d, r.messages().subList(0, r.messages().size() - 1));
        return d.hex();
    }

    /** The exact-cache key of an embeddings request (without the tenant). */
    public static String embedding(EmbeddingRequest r, CacheScope scope) {
        CanonicalDigest d = new CanonicalDigest(EMBEDDINGS);
        scope(d, scope);
        d.text(r.model()).number(r.dimensions()).count(r.inputs().size());
        for (String input : r.inputs()) {
            d.text(input);
        }
        return d.hex();
    }

    private static void scope(CanonicalDigest d, CacheScope scope) {
        d.text(scope.tier()).text(scope.role().wire()).bool(scope.localOnly());
    }

    private static void parameters(CanonicalDigest d, ChatRequest r) {
        d.text(r.model()).bool(r.legacyPrompt()).number(r.maxTokens()).number(r.temperature()).number(r.topP())
                .number(r.seed()).number(r.n()).bool(r.parallelToolCalls());
        d.count(r.stop().size());
        for (String s : r.stop()) {
            d.text(s);
        }
        d.count(r.tools().size());
        for (ToolSpec t : r.tools()) {
            d.text(t.name()).text(t.description()).text(t.parametersJson()).bool(t.strict());
        }
        ToolChoice tc = r.toolChoice();
        d.text(tc == null ? null : tc.mode()).text(tc == null ? null : tc.functionName());
        ResponseFormat f = r.responseFormat();
        d.text(f == null ? null : f.type()).text(f == null ? null : f.schemaName())
                .text(f == null ? null : f.schemaJson()).bool(f == null ? null : f.strict());
    }

    private static void messages(CanonicalDigest d, List<ChatMessage> messages) {
        d.count(messages.size());
        for (ChatMessage m : messages) {
            d.text(m.role()).text(m.name()).text(m.toolCallId()).text(m.refusal());
            if (m.content() == null) {
                d.count(-1);
            } else {
                d.count(m.content().size());
                for (ContentPart p : m.content()) {
                    part(d, p);
                }
            }
            d.count(m.toolCalls().size());
            for (ToolCall c : m.toolCalls()) {
                d.text(c.id()).text(c.name()).text(c.argumentsJson());
            }
        }
    }

    private static void part(CanonicalDigest d, ContentPart p) {
        switch (p) {
            case ContentPart.Text t -> d.text("text").text(t.text());
            case ContentPart.Image i -> d.text("image").text(i.url()).text(i.detail());
            case ContentPart.Audio a -> d.text("audio").text(a.format()).text(a.base64Data());
        }
    }
}
