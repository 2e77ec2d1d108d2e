package ai.aideon.core.catalog;

import ai.aideon.core.api.Modality;

import java.util.List;
import java.util.Map;

/**
 * A route alias such as {@code aideon/text}: for every tier, the ordered plan of models to try. A tier absent
 * from {@code plans} cannot use the route at all.
 */
public record Route(String alias, Modality modality, String description, Map<String, List<RouteEntry>> plans) {
    public Route {
        plans = Map.copyOf(plans);
    }

    public List<RouteEntry> planFor(String tier) {
        return plans.getOrDefault(tier, List.of());
    }
}
