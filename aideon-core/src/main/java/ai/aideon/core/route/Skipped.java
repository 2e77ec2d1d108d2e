package ai.aideon.core.route;

/** A model the plan considered and left out, and why (e.g. {@code context 8192 < 9000 needed}). */
public record Skipped(String modelId, String reason) {
}
