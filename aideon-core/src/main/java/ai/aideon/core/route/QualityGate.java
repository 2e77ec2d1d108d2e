package ai.aideon.core.route;

import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;

/**
 * Judges a non-streaming answer when the request's role is {@code quality}. A verdict below the executor's
 * threshold (0.8 by default) sends the request on to the next candidate; the best answer seen is returned if
 * none passes.
 */
public interface QualityGate {

    QualityVerdict assess(ChatRequest request, ChatResponse response);
}
