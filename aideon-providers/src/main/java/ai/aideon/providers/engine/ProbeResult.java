package ai.aideon.providers.engine;

import ai.aideon.core.route.EngineState;

/** What one health probe found, with a short human-readable detail (never a key, never a whole body). */
public record ProbeResult(EngineState state, String detail) {

    public static ProbeResult up(String detail) {
        return new ProbeResult(EngineState.UP, detail);
    }

    public static ProbeResult loading(String detail) {
        return new ProbeResult(EngineState.LOADING, detail);
    }

    public static ProbeResult down(String detail) {
        return new ProbeResult(EngineState.DOWN, detail);
    }
}
