package ai.aideon.core.provider;

import ai.aideon.core.api.SpeechAudio;
import ai.aideon.core.api.SpeechRequest;

/** Serves text-to-speech models; audio is returned as a stream so it can be relayed as it is produced. */
public interface SpeechProvider {
    String name();

    SpeechAudio speak(ModalityCall<SpeechRequest> call) throws ProviderException;
}
