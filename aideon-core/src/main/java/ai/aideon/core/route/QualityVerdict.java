package ai.aideon.core.route;

import java.util.List;

/** A score in 0..1 and the problems that lowered it (empty, truncated, refusal, invalid JSON …). */
public record QualityVerdict(double score, List<String> problems) {
    public QualityVerdict {
        if (score < 0 || score > 1) {
            throw new IllegalArgumentException("score must be in 0..1: " + score);
        }
        problems = List.copyOf(problems);
    }
}
