package ai.aideon.core.catalog;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable snapshot of models and routes. Reloads build a new snapshot and swap it atomically, so a
 * request sees one consistent catalog from start to end.
 *
 * <p>Models discovered from local engines are named {@code <provider>/<engine's model id>}. A route may name such a
 * model before the engine has listed it (the engine is not running yet, or the model is still being pulled): ids
 * in a <em>discovery namespace</em> ({@code <provider>/}) are allowed to be unresolved, and the router skips them
 * with a reason until a discovery adds them. Every other route entry must name a known model.
 */
public final class Catalog {
    private final Map<String, ModelSpec> models;
    private final Map<String, Route> routes;
    /** Each model id a route's plans mention, with the first such route: {@link #homeRouteOf} runs per request. */
    private final Map<String, Route> homeRoutes;
    private final Set<String> discoveryNamespaces;

    public Catalog(Collection<ModelSpec> models, Collection<Route> routes) {
        this(models, routes, Set.of());
    }

    /**
     * @param discoveryNamespaces names of providers whose models are discovered: route entries
     *                            {@code <name>/…} may name models that are not (yet) in {@code models}
     */
    public Catalog(Collection<ModelSpec> models, Collection<Route> routes, Set<String> discoveryNamespaces) {
        this.discoveryNamespaces = Set.copyOf(discoveryNamespaces);
        Map<String, ModelSpec> m = new LinkedHashMap<>();
        for (ModelSpec spec : models) {
            if (m.put(spec.id(), spec) != null) {
                throw new IllegalArgumentException("duplicate model id: " + spec.id());
            }
        }
        Map<String, Route> r = new LinkedHashMap<>();
        Map<String, Route> home = new java.util.HashMap<>();
        for (Route route : routes) {
            if (r.put(route.alias(), route) != null) {
                throw new IllegalArgumentException("duplicate route alias: " + route.alias());
            }
            for (List<RouteEntry> plan : route.plans().values()) {
                for (RouteEntry e : plan) {
                    if (!m.containsKey(e.modelId()) && !discoverable(e.modelId())) {
                        throw new IllegalArgumentException(
                                "route " + route.alias() + " names unknown model " + e.modelId());
                    }
                    home.putIfAbsent(e.modelId(), route);
                }
            }
        }
        this.models = java.util.Collections.unmodifiableMap(m);
        this.routes = java.util.Collections.unmodifiableMap(r);
        this.homeRoutes = home;
    }

    /** The provider names whose models are discovered at run time (see the class comment). */
    public Set<String> discoveryNamespaces() {
        return discoveryNamespaces;
    }

    /** True when the id lies in a discovery namespace, so it may name a model no engine has listed yet. */
    public boolean discoverable(String modelId) {
        int slash = modelId.indexOf('/');
        return slash > 0 && discoveryNamespaces.contains(modelId.substring(0, slash));
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
        return Optional.ofNullable(homeRoutes.get(modelId));
    }
}
