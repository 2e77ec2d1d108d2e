package ai.aideon.providers.openai.wire;

import ai.aideon.core.api.SpeechRequest;
import ai.aideon.providers.http.Json;

import java.util.Locale;
import java.util.Set;

/**
 * Canonical speech request → Together's {@code POST /audio/speech} JSON. Together speaks wav (its default), mp3 and
 * headerless "raw"; OpenAI's pcm (16-bit LE mono at 24 kHz) is asked for as raw with exactly that encoding and rate,
 * since Together's raw default is 32-bit float at 44.1 kHz. Streaming is always off: the bytes are relayed as they
 * arrive anyway, and Together's stream is SSE-wrapped base64 instead.
 */
public final class SpeechRequestWriter {
    /** Together's cartesia/sonic has no OpenAI voices; their names all become this one (a sonic voice). */
    public static final String DEFAULT_SONIC_VOICE = "laidback woman";
    static final Set<String> OPENAI_VOICES = Set.of("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx",
            "nova", "sage", "shimmer", "verse");
    public static final int PCM_SAMPLE_RATE = 24_000;

    private SpeechRequestWriter() {
    }

    /** The formats Together can produce for a client, as named by the client. */
    public static final Set<String> TOGETHER_FORMATS = Set.of("wav", "mp3", "pcm");

    /** @param format one of {@link #TOGETHER_FORMATS} */
    public static byte[] together(SpeechRequest r, String model, String format) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeStringField("input", r.input());
            g.writeStringField("voice", togetherVoice(model, r.voice()));
            if (format.equals("pcm")) {
                g.writeStringField("response_format", "raw");
                g.writeStringField("response_encoding", "pcm_s16le");
                g.writeNumberField("sample_rate", PCM_SAMPLE_RATE);
            } else {
                g.writeStringField("response_format", format);
            }
            g.writeBooleanField("stream", false);
            g.writeEndObject();
        });
    }

    /**
     * The voice to send: an OpenAI voice name (or none) becomes the default sonic voice for sonic models; any other
     * name is the client naming an upstream voice and goes through unchanged, as do all voices for other models.
     */
    static String togetherVoice(String model, String voice) {
        boolean sonic = model.toLowerCase(Locale.ROOT).contains("sonic");
        if (voice == null || voice.isBlank()) {
            return sonic ? DEFAULT_SONIC_VOICE : "";
        }
        return sonic && OPENAI_VOICES.contains(voice.trim().toLowerCase(Locale.ROOT)) ? DEFAULT_SONIC_VOICE : voice;
    }

    /** The Content-Type a format is relayed with when the upstream sends only a generic one. */
    public static String contentType(String format) {
        return switch (format) {
            case "wav" -> "audio/wav";
            case "mp3" -> "audio/mpeg";
            default -> "audio/pcm";
        };
    }
}
