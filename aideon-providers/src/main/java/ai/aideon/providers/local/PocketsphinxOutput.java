package ai.aideon.providers.local;

import ai.aideon.core.api.Transcription.Segment;
import ai.aideon.providers.http.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads what the two pocketsphinx command lines print into timed, lower-case utterances. */
final class PocketsphinxOutput {
    private PocketsphinxOutput() {
    }

    /**
     * pocketsphinx 5.x {@code single}: one JSON object per utterance, {@code {"b":start,"d":duration,"t":"text",
     * "w":[…]}}. Anything that is not a JSON object line (a stray log line) is ignored.
     */
    static List<Segment> fromJsonLines(String stdout) throws IOException {
        List<Segment> segments = new ArrayList<>();
        for (String line : stdout.split("\\R")) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("{")) {
                continue;
            }
            JsonNode utterance = Json.MAPPER.readTree(trimmed);
            String text = normalise(utterance.path("t").asText(""));
            if (text.isEmpty()) {
                continue;
            }
            double start = utterance.path("b").asDouble(0);
            double end = start + utterance.path("d").asDouble(0);
            segments.add(new Segment(segments.size(), start, end, text));
        }
        return segments;
    }

    /**
     * pocketsphinx_continuous with {@code -time yes}: each utterance is its text on one line followed by one line
     * per word, "word start end confidence" (times in seconds from the start of the file). Marker words such as
     * {@code <s>}, {@code <sil>} and {@code [NOISE]} do not count towards an utterance's span unless it has no real
     * word; alternative pronunciations are marked "word(2)".
     */
    static List<Segment> fromContinuous(String stdout) {
        List<Segment> segments = new ArrayList<>();
        Utterance current = null;
        for (String line : stdout.split("\\R")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] word = wordTiming(trimmed);
            if (word == null) {
                add(segments, current);
                current = new Utterance(normalise(trimmed));
            } else if (current != null) {
                current.time(word[0], Double.parseDouble(word[1]), Double.parseDouble(word[2]));
            }
        }
        add(segments, current);
        return segments;
    }

    /** The fields of a "word start end confidence" line, or null when the line is an utterance's text. */
    private static String[] wordTiming(String line) {
        String[] fields = line.split("\\s+");
        if (fields.length != 4) {
            return null;
        }
        for (int i = 1; i < 4; i++) {
            try {
                Double.parseDouble(fields[i]);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return fields;
    }

    private static void add(List<Segment> segments, Utterance u) {
        if (u != null && !u.text.isEmpty()) {
            segments.add(new Segment(segments.size(), u.start(), u.end(), u.text));
        }
    }

    private static String normalise(String text) {
        return text.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /** One utterance's text and the span of its words. */
    private static final class Utterance {
        private final String text;
        private double firstStart = Double.NaN;
        private double lastEnd = Double.NaN;
        private double firstWordStart = Double.NaN;
        private double lastWordEnd = Double.NaN;

        Utterance(String text) {
            this.text = text;
        }

        void time(String word, double start, double end) {
            if (Double.isNaN(firstStart)) {
                firstStart = start;
            }
            lastEnd = end;
            if (!isMarker(word)) {
                if (Double.isNaN(firstWordStart)) {
                    firstWordStart = start;
                }
                lastWordEnd = end;
            }
        }

        double start() {
            double s = Double.isNaN(firstWordStart) ? firstStart : firstWordStart;
            return Double.isNaN(s) ? 0 : s;
        }

        double end() {
            double e = Double.isNaN(lastWordEnd) ? lastEnd : lastWordEnd;
            return Double.isNaN(e) ? start() : e;
        }

        private static boolean isMarker(String word) {
            return word.startsWith("<") || word.startsWith("[") || word.startsWith("++");
        }
    }
}
