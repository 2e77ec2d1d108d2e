package ai.aideon.client;

import ai.aideon.core.api.Source;
import ai.aideon.core.catalog.Catalog;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Price;
import ai.aideon.providers.engine.DiscoveredModel;
import ai.aideon.providers.engine.LocalEngine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The catalog the router sees: the configured one plus what local engines list. Rules, in order:
 * <ol>
 *   <li>Configured models win. A discovered model that the config already declares for the same provider (same
 *       upstream id, in the engine's own sense: Ollama's {@code llava} is {@code llava:latest}) is not added again;
 *       it keeps its configured id, tiers, price and capabilities. Only a configured context window of 0 (left out)
 *       is filled in with the discovered one, since the engine knows its window better than a blank.</li>
 *   <li>Every other discovered model becomes {@code <provider>/<model>}, free (it runs on the operator's machine),
 *       open to the provider's discovery tiers, with the provider's source (local unless configured otherwise).</li>
 *   <li>A discovered id that a configured model already uses (a hand-written {@code ollama/x} for another upstream)
 *       is left out: the configured one wins.</li>
 * </ol>
 * Routes are the configured ones; an entry naming a model no engine lists yet stays unresolved and is skipped.
 */
final class CatalogMerge {

    /** What one engine lists, with what the merge needs to know about its provider. */
    record EngineModels(String provider, String type, LocalEngine engine, Source source, Set<String> tiers,
                        List<DiscoveredModel> models) {
    }

    /** @param discoveredIds per provider, the catalog ids that came from its discovery (in listing order) */
    record Result(Catalog catalog, Map<String, List<String>> discoveredIds) {
    }

    private CatalogMerge() {
    }

    static Result merge(Catalog configured, List<EngineModels> engines) {
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        configured.models().forEach(m -> models.put(m.id(), m));
        Map<String, List<String>> discoveredIds = new LinkedHashMap<>();
        for (EngineModels e : engines) {
            List<String> ids = new ArrayList<>();
            for (DiscoveredModel d : e.models()) {
                ModelSpec declared = declared(configured, e, d);
                if (declared != null) {
                    if (declared.contextWindow() == 0 && d.contextWindow() > 0) {
                        models.put(declared.id(), withWindow(declared, d.contextWindow()));
                    }
                    continue;
                }
                String id = e.provider() + "/" + d.catalogName();
                if (models.containsKey(id)) {
                    continue; // configured (rule 3), or a second listing of the same name
                }
                models.put(id, new ModelSpec(id, e.provider(), d.upstreamId(), d.modality(), e.source(),
                        d.capabilities(), d.contextWindow(), Price.FREE, e.tiers(),
                        "discovered on " + e.provider() + " (" + e.type() + ")"));
                ids.add(id);
            }
            discoveredIds.put(e.provider(), List.copyOf(ids));
        }
        return new Result(new Catalog(models.values(), configured.routes(), configured.discoveryNamespaces()),
                discoveredIds);
    }

    /** The configured model of this provider that is the discovered one, if any. */
    private static ModelSpec declared(Catalog configured, EngineModels e, DiscoveredModel d) {
        String wanted = e.engine().canonicalModelId(d.upstreamId());
        for (ModelSpec m : configured.models()) {
            if (m.provider().equals(e.provider()) && e.engine().canonicalModelId(m.upstreamId()).equals(wanted)) {
                return m;
            }
        }
        return null;
    }

    private static ModelSpec withWindow(ModelSpec m, int window) {
        return new ModelSpec(m.id(), m.provider(), m.upstreamId(), m.modality(), m.source(), m.capabilities(), window,
                m.price(), m.tiers(), m.description());
    }

    /** Tiers for a provider's discovered models: its discover_tiers, else every tier the config defines. */
    static Set<String> tiers(Set<String> configured, Set<String> allTiers) {
        if (!configured.isEmpty()) {
            return configured;
        }
        return allTiers.isEmpty() ? Set.of("free", "premium") : new LinkedHashSet<>(allTiers);
    }
}
