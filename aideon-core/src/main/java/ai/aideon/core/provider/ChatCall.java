package ai.aideon.core.provider;

import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.catalog.ModelSpec;

import java.time.Duration;

/**
 * One call to one provider: the canonical request, the model chosen for it (use {@code model.upstreamId()} on the
 * wire, not {@code request.model()}), and how long the whole call may take.
 */
public record ChatCall(ChatRequest request, ModelSpec model, Duration timeout) {
}
