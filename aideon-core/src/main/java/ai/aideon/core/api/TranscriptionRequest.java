package ai.aideon.core.api;

/**
 * Speech to text. {@code audio} is the uploaded file as sent (wav, mp3, flac, ogg, webm, m4a …); {@code translate}
 * asks for English text whatever the spoken language ({@code /v1/audio/translations}).
 */
public record TranscriptionRequest(String model, byte[] audio, String filename, String language, String prompt,
                                   Double temperature, boolean translate) {
}
