package ai.aideon.core.provider;

import ai.aideon.core.catalog.ModelSpec;

import java.time.Duration;

/**
 * One call of a non-chat modality to one provider: the canonical request, the model chosen for it (use
 * {@code model.upstreamId()} on the wire) and how long it may take.
 */
public record ModalityCall<R>(R request, ModelSpec model, Duration timeout) {
}
