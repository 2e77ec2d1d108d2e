package ai.aideon.providers.engine;

import ai.aideon.core.provider.ProviderException;

import java.util.List;

/**
 * The management side of a local inference server: is it ready, and which models does it serve. Requests go through
 * the provider built for the same config; this side only reads cheap endpoints, with short timeouts, so a hung
 * engine costs a probe thread a few seconds and never a client request.
 */
public interface LocalEngine {

    /** The configured provider name. */
    String name();

    EngineType type();

    /** Asks the engine's health endpoint; never throws (an unreachable engine is a {@code DOWN} result). */
    ProbeResult probe();

    /**
     * The engine's models now. Throws when the listing cannot be read, so a caller keeps what it knew rather than
     * emptying the catalog because of one failed poll.
     */
    List<DiscoveredModel> discover() throws ProviderException;

    /**
     * The form of a model id the engine treats as the same model, for matching configured models against
     * discovered ones ({@code llava} is {@code llava:latest} to Ollama). Identity for the other engines.
     */
    default String canonicalModelId(String id) {
        return id;
    }
}
