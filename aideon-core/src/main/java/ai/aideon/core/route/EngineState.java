package ai.aideon.core.route;

import java.util.Locale;

/**
 * What the last health probe of a local engine (Ollama, llama.cpp, vLLM, whisper.cpp) found. Only {@link #UP}
 * takes requests: a loading engine answers 503 to everything until its model is in memory, so sending it work
 * would only cost the caller a failed attempt.
 */
public enum EngineState {
    /** Answered its health endpoint: ready for requests. */
    UP,
    /** Reachable but still loading its model (llama.cpp and whisper.cpp answer 503 meanwhile). */
    LOADING,
    /** Refused, timed out, or answered its health endpoint with an error. */
    DOWN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
