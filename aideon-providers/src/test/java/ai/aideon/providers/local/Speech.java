package ai.aideon.providers.local;

import ai.aideon.core.api.SpeechAudio;
import ai.aideon.core.api.SpeechRequest;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.TestCalls;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/** Shared request builders for the speech tests. */
final class Speech {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Speech() {
    }

    static ModalityCall<SpeechRequest> request(String text, String voice, String format, double speed) {
        return new ModalityCall<>(new SpeechRequest("tts-local", text, voice, format, speed),
                TestCalls.model("espeak"), TIMEOUT);
    }

    static SpeechAudio speak(EspeakSpeechProvider provider, String text, String voice, String format, double speed)
            throws ProviderException {
        return provider.speak(request(text, voice, format, speed));
    }

    /** The whole clip, as a client would receive it. */
    static byte[] bytes(SpeechAudio audio) throws IOException {
        try (InputStream in = audio.audio()) {
            return in.readAllBytes();
        }
    }

    /** Speech the way the round-trip tests make it: the voice and rate pocketsphinx follows best. */
    static byte[] wav(String text) throws Exception {
        return bytes(speak(new EspeakSpeechProvider("local-tts"), text, "en-us+m3", "wav", 1.0));
    }
}
