package ai.aideon.core.api;

/**
 * Text to speech. {@code format} is the audio the client wants: mp3, wav, opus, flac or pcm (raw 16-bit LE mono);
 * {@code speed} 0.25..4 (1 = normal).
 */
public record SpeechRequest(String model, String input, String voice, String format, double speed) {
}
