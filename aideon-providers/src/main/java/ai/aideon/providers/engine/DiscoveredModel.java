package ai.aideon.providers.engine;

import ai.aideon.core.api.Modality;
import ai.aideon.core.catalog.Capability;

import java.util.Objects;
import java.util.Set;

/**
 * One model a local engine says it serves, as far as its listing tells.
 *
 * @param upstreamId    the id the engine knows it by ({@code llama3.2:latest}, a vLLM served name, a llama.cpp alias)
 * @param catalogName   the part after {@code <provider>/} in the catalog id; usually {@code upstreamId}, a file's
 *                      base name for a llama.cpp model listed by its path
 * @param contextWindow tokens the engine will hold for one request, 0 when it did not say
 */
public record DiscoveredModel(String upstreamId, String catalogName, Modality modality, int contextWindow,
                              Set<Capability> capabilities) {
    public DiscoveredModel {
        Objects.requireNonNull(upstreamId, "upstreamId");
        Objects.requireNonNull(catalogName, "catalogName");
        Objects.requireNonNull(modality, "modality");
        capabilities = Set.copyOf(capabilities);
        contextWindow = Math.max(0, contextWindow);
    }
}
