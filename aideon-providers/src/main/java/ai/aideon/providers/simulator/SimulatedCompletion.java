package ai.aideon.providers.simulator;

import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.Usage;

import java.util.List;

/** Everything a simulated call answers, decided up front so chat and stream tell the same story. */
record SimulatedCompletion(List<Choice> choices, Usage usage) {

    /** Exactly one of text or toolCall is set. */
    record Choice(int index, String text, ToolCall toolCall, String finishReason) {
    }

    int completionTokens() {
        return (int) usage.completionTokens();
    }
}
