package ai.aideon.providers.engine;

import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.http.HttpAnswer;

import java.time.Clock;

/**
 * A local engine whose readiness is {@code GET /health} answering 2xx (llama.cpp, vLLM, whisper.cpp). What another
 * answer means differs per engine ({@link #notHealthy}); an engine that cannot be reached is down.
 */
public abstract class HealthEndpointEngine implements LocalEngine {
    protected final EngineEndpoints endpoints;
    private final String name;
    private final EngineType type;

    protected HealthEndpointEngine(ProviderSettings settings, Clock clock, EngineType type) {
        this.name = settings.name();
        this.endpoints = new EngineEndpoints(settings, clock);
        this.type = type;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final EngineType type() {
        return type;
    }

    @Override
    public final ProbeResult probe() {
        try {
            HttpAnswer a = endpoints.get("/health");
            return a.ok() ? ProbeResult.up(null) : notHealthy(a);
        } catch (ProviderException e) {
            return EngineEndpoints.unreachable(e);
        }
    }

    /** What a non-2xx answer of {@code /health} says: down, unless the engine means something else by it. */
    protected ProbeResult notHealthy(HttpAnswer answer) throws ProviderException {
        return ProbeResult.down(endpoints.describe(answer));
    }
}
