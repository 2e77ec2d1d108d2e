package ai.aideon.providers.openai.wire;

import ai.aideon.core.api.Transcription;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.http.ErrorMapper;
import ai.aideon.providers.http.Json;
import ai.aideon.providers.http.UpstreamError;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code verbose_json} transcription answer → {@link Transcription}. Whisper names the language in full
 * ("english"); the common ones are turned into the ISO-639-1 codes clients send, others pass through as named.
 * Without a {@code duration} (a plain {@code json} answer) the end of the last segment is the best length known.
 */
public final class TranscriptionReader {
    private static final Map<String, String> LANGUAGE_CODES = Map.ofEntries(
            Map.entry("english", "en"), Map.entry("german", "de"), Map.entry("french", "fr"),
            Map.entry("spanish", "es"), Map.entry("italian", "it"), Map.entry("portuguese", "pt"),
            Map.entry("dutch", "nl"), Map.entry("russian", "ru"), Map.entry("chinese", "zh"),
            Map.entry("japanese", "ja"), Map.entry("korean", "ko"), Map.entry("arabic", "ar"),
            Map.entry("hindi", "hi"), Map.entry("polish", "pl"), Map.entry("turkish", "tr"));

    private TranscriptionReader() {
    }

    /**
     * A whole Whisper-style answer body (OpenAI, Together, whisper.cpp's {@code /inference}): JSON, an object, not
     * an in-band error document, with a text. Anything else is the upstream's fault, mapped by {@code errors}.
     */
    public static Transcription readBody(byte[] bytes, ErrorMapper errors, String fallbackLanguage)
            throws ProviderException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw errors.malformed("transcription is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw errors.malformed("transcription is not a JSON object", null);
        }
        if (UpstreamError.isErrorDocument(root)) {
            throw errors.fromInBand(root);
        }
        try {
            return read(root, fallbackLanguage);
        } catch (IOException e) {
            throw errors.malformed(e.getMessage(), e);
        }
    }

    /**
     * @param fallbackLanguage what the request asked for, used when the answer names no language
     * @throws IOException when the body is not JSON or has no text
     */
    public static Transcription read(JsonNode root, String fallbackLanguage) throws IOException {
        String text = Json.text(root, "text");
        if (text == null) {
            throw new IOException("transcription has no text");
        }
        List<Transcription.Segment> segments = new ArrayList<>();
        for (JsonNode s : root.path("segments")) {
            String segmentText = Json.text(s, "text");
            segments.add(new Transcription.Segment(s.path("id").asInt(segments.size()), s.path("start").asDouble(),
                    s.path("end").asDouble(), segmentText == null ? "" : segmentText.strip()));
        }
        double duration = root.hasNonNull("duration") ? root.get("duration").asDouble()
                : segments.isEmpty() ? 0 : segments.getLast().end();
        String language = Json.text(root, "language");
        return new Transcription(text.strip(), language == null ? fallbackLanguage : languageCode(language),
                duration, segments);
    }

    static String languageCode(String language) {
        return LANGUAGE_CODES.getOrDefault(language.trim().toLowerCase(Locale.ROOT), language);
    }
}
