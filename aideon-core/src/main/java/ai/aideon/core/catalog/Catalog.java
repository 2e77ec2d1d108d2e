package ai.aideon.core.catalog;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of models and routes. Reloads build a new snapshot and swap it atomically, so a
 * request sees one consistent catalog from start to end.
 */
public final class Catalog {
    private final Map<String, ModelSpec> models;
    private final Map<String, Route> routes;

    public Catalog(Collection<ModelSpec> models, Collection<Route> routes) {
        Map<String, ModelSpec> m = new LinkedHashMap<>();
        for (ModelSpec spec : models) {
            if (m.put(spec.id(), spec) != null) {
                throw new IllegalArgumentException("duplicate model id: " + spec.id());
            }
        }
        Map<String, Route> r = new LinkedHashMap<>();
        for (Route route : routes) {
            if (r.put(route.alias(), route) != null) {
                throw new IllegalArgumentException("duplicate route alias: " + route.alias());
            }
            for (List<RouteEntry> plan : route.plans().values()) {
                for (RouteEntry e : plan) {
                    if (!m.containsKey(e.modelId())) {
                        throw new IllegalArgumentException(
                                "route " + route.alias() + " names unknown model " + e.modelId());
                    }
                }
            }
        }
        this.models = java.util.Collections.unmodifiableMap(m);
        this.routes = java.util.Collections.unmodifiableMap(r);
    }

    public Optional<ModelSpec> model(String id) {
        return Optional.ofNullable(models.get(id));
    }

    public Optional<Route> route(String alias) {
        return Optional.ofNullable(routes.get(alias));
    }

    /** Models in declaration order. */
    public Collection<ModelSpec> models() {
        return models.values();
    }

    /** Routes in declaration order. */
    public Collection<Route> routes() {
        return routes.values();
    }

    /** The first route (declaration order) whose plans mention this model: where its fallbacks come from. */
    public Optional<Route> homeRouteOf(String modelId) {
        for (Route route : routes.values()) {
            for (List<RouteEntry> plan : route.plans().values()) {
                for (RouteEntry e : plan) {
                    if (e.modelId().equals(modelId)) {
                        return Optional.of(route);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
