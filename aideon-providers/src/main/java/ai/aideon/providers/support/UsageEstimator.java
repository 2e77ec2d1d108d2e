package ai.aideon.providers.support;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.Usage;
import ai.aideon.core.route.TokenCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Counts usage ourselves when an upstream reports none (some OpenAI-compatible servers omit it, interrupted streams
 * lack it). Cost accounting needs a number; cl100k is an estimate for open models, so we log that we counted.
 */
public final class UsageEstimator {
    private static final Logger LOG = LoggerFactory.getLogger(UsageEstimator.class);
    private static final TokenCounter COUNTER = TokenCounter.cl100k();

    private UsageEstimator() {
    }

    public static Usage estimate(String provider, ChatRequest request, List<ChatChoice> choices) {
        long completion = 0;
        for (ChatChoice c : choices) {
            completion += COUNTER.count(c.message().text());
            for (ToolCall t : c.message().toolCalls()) {
                completion += COUNTER.count(t.name()) + COUNTER.count(t.argumentsJson());
            }
        }
        return counted(provider, request, completion);
    }

    /** For streams: {@code completionText} is everything the stream delivered (content and tool arguments). */
    public static Usage estimate(String provider, ChatRequest request, CharSequence completionText) {
        return counted(provider, request, COUNTER.count(completionText.toString()));
    }

    /** Embedding inputs counted with cl100k, for upstreams that report no usage (Together's /embeddings never does). */
    public static Usage estimateEmbedding(String provider, List<String> inputs) {
        long tokens = 0;
        for (String input : inputs) {
            tokens += COUNTER.count(input);
        }
        LOG.debug("{} reported no embedding usage; counted with cl100k (an estimate for non-OpenAI tokenizers)",
                provider);
        return new Usage(tokens, 0);
    }

    public static int countPrompt(ChatRequest request) {
        return COUNTER.countPrompt(request);
    }

    private static Usage counted(String provider, ChatRequest request, long completion) {
        LOG.debug("{} reported no usage; counted with cl100k (an estimate for non-OpenAI tokenizers)", provider);
        return new Usage(COUNTER.countPrompt(request), completion);
    }
}
