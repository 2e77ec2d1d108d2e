package ai.aideon.providers.local;

import java.util.Locale;

/** The audio formats a client may ask the local speech engine for, and how each one is made. */
enum SpeechFormat {
    /** espeak-ng's own output, passed through untouched. */
    WAV("audio/wav", null),
    /** Raw 16-bit little-endian mono samples at 24 kHz, as OpenAI sends them: espeak's WAV header removed, resampled. */
    PCM("audio/pcm", null),
    MP3("audio/mpeg", "mp3"),
    FLAC("audio/flac", "flac"),
    OPUS("audio/ogg;codecs=opus", "opus");

    /** What OpenAI's /v1/audio/speech produces when no format is named. */
    static final SpeechFormat DEFAULT = MP3;
    static final int PCM_SAMPLE_RATE = 24_000;

    private final String contentType;
    private final String soxType;

    SpeechFormat(String contentType, String soxType) {
        this.contentType = contentType;
        this.soxType = soxType;
    }

    /** The format for a request's {@code response_format}; null when it is not one of ours (aac, say). */
    static SpeechFormat forRequest(String requested) {
        if (requested == null || requested.isBlank()) {
            return DEFAULT;
        }
        for (SpeechFormat f : values()) {
            if (f.wireName().equals(requested.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        return null;
    }

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    String contentType() {
        return contentType;
    }

    /** The sox file type that encodes this format, or null when no transcoding is needed. */
    String soxType() {
        return soxType;
    }
}
