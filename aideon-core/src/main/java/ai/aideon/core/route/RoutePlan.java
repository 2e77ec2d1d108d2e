package ai.aideon.core.route;

import ai.aideon.core.api.Role;

import java.util.List;

/**
 * The ordered candidates for one request and the reasons behind them. Never empty: a request with no candidate
 * gets a {@link RoutingException} from the router instead.
 *
 * @param requested      the model string the client sent
 * @param routeAlias     the route the plan came from (the alias itself, or the home route of a concrete model)
 * @param promptTokens   counted prompt tokens including the safety margin (what context fit used)
 * @param role           the role in effect (requested or default PRIMARY)
 */
public record RoutePlan(String requested, String routeAlias, Role role, int promptTokens,
                        List<Candidate> candidates, List<Skipped> skipped) {
    public RoutePlan {
        candidates = List.copyOf(candidates);
        skipped = List.copyOf(skipped);
    }
}
