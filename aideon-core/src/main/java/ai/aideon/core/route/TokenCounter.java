package ai.aideon.core.route;

import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ContentPart;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolSpec;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts prompt tokens with cl100k_base. Open models use other tokenizers (Llama 3's is close, Mistral's and
 * CodeLlama's produce more tokens for the same text), so callers that decide context fit add a safety margin on
 * top of {@link #countPrompt(ChatRequest)}; see {@link #withMargin(int, double, int)}.
 * Thread-safe: jtokkit encodings are immutable.
 */
public final class TokenCounter {
    /** OpenAI's documented per-message framing overhead for chat models, and the reply priming. */
    private static final int PER_MESSAGE = 3;
    private static final int REPLY_PRIMING = 3;
    /** A high-detail image costs at most this many tokens on OpenAI's vision models; a safe estimate elsewhere. */
    private static final int PER_IMAGE = 765;

    private static final TokenCounter DEFAULT = new TokenCounter();
    private final Encoding encoding;

    private TokenCounter() {
        this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }

    public static TokenCounter cl100k() {
        return DEFAULT;
    }

    public int count(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }

    /** Tokens of every message, tool call and tool definition in the request, with chat framing overhead. */
    public int countPrompt(ChatRequest request) {
        int total = REPLY_PRIMING;
        for (ChatMessage m : request.messages()) {
            total += PER_MESSAGE + count(m.role()) + count(m.name());
            if (m.content() != null) {
                for (ContentPart p : m.content()) {
                    total += switch (p) {
                        case ContentPart.Text t -> count(t.text());
                        case ContentPart.Image i -> PER_IMAGE;
                        case ContentPart.Audio a -> a.base64Data() == null ? 0 : a.base64Data().length() / 4;
                    };
                }
            }
            for (ToolCall c : m.toolCalls()) {
                total += PER_MESSAGE + count(c.name()) + count(c.argumentsJson());
            }
        }
        for (ToolSpec t : request.tools()) {
            total += PER_MESSAGE + count(t.name()) + count(t.description()) + count(t.parametersJson());
        }
        if (request.responseFormat() != null) {
            total += count(request.responseFormat().schemaJson());
        }
        return total;
    }

    /** {@code ceil(tokens * (1 + marginFraction)) + fixedMargin}: the count used for context-fit decisions. */
    public static int withMargin(int tokens, double marginFraction, int fixedMargin) {
        return (int) Math.ceil(tokens * (1.0 + marginFraction)) + fixedMargin;
    }
}
