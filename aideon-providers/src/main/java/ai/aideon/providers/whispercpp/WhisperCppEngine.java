package ai.aideon.providers.whispercpp;

import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.engine.DiscoveredModel;
import ai.aideon.providers.engine.EngineType;
import ai.aideon.providers.engine.HealthEndpointEngine;
import ai.aideon.providers.engine.ProbeResult;
import ai.aideon.providers.http.HttpAnswer;

import java.time.Clock;
import java.util.List;

/**
 * whisper-server's health: {@code GET /health} answers 200 {@code {"status":"ok"}}, or 503
 * {@code {"status":"loading model"}} while a model loads (also during a {@code POST /load}). Builds older than that
 * endpoint answer 404 there; then the index page ({@code GET /}) answering at all counts as up. There is no model
 * list: its model is declared under {@code models:}.
 */
public final class WhisperCppEngine extends HealthEndpointEngine {

    public WhisperCppEngine(ProviderSettings settings, Clock clock) {
        super(settings, clock, EngineType.WHISPER_CPP);
    }

    @Override
    protected ProbeResult notHealthy(HttpAnswer a) throws ProviderException {
        if (a.status() == 503) {
            return ProbeResult.loading(endpoints.describe(a));
        }
        if (a.status() == 404) {
            HttpAnswer index = endpoints.get("/");
            return index.ok() ? ProbeResult.up("no /health in this build; / answers")
                    : ProbeResult.down(endpoints.describe(index));
        }
        return ProbeResult.down(endpoints.describe(a));
    }

    @Override
    public List<DiscoveredModel> discover() {
        return List.of();
    }
}
