package ai.aideon.core.provider;

import ai.aideon.core.api.Transcription;
import ai.aideon.core.api.TranscriptionRequest;

/** Serves speech-to-text models. */
public interface TranscriptionProvider {
    String name();

    Transcription transcribe(ModalityCall<TranscriptionRequest> call) throws ProviderException;
}
