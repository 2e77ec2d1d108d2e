package ai.aideon.core.api;

import java.io.InputStream;

/**
 * Synthesised audio as it is produced: read {@code audio} to the end (or close it to stop). {@code characters} is
 * what the request is billed by.
 */
public record SpeechAudio(String contentType, String format, InputStream audio, long characters) {
}
