package ai.aideon.core.api;

import java.util.List;

/** What was said: text, language, duration (billing unit) and timed segments when the engine gives them. */
public record Transcription(String text, String language, double durationSeconds, List<Segment> segments) {
    public Transcription {
        segments = segments == null ? List.of() : List.copyOf(segments);
    }

    public record Segment(int id, double start, double end, String text) {
    }
}
