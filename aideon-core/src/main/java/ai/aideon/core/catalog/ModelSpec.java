package ai.aideon.core.catalog;

import ai.aideon.core.api.Modality;
import ai.aideon.core.api.Source;

import java.util.Set;

/**
 * One model the gateway can route to.
 *
 * @param id            the id clients use (unique in the catalog), e.g. {@code meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo}
 * @param provider      name of the configured provider instance that serves it ({@code local}, {@code together})
 * @param upstreamId    the id the provider knows it by (often equal to id)
 * @param source        local engine or cloud; decides local-first ordering and is reported to clients
 * @param contextWindow tokens the model can hold (prompt + completion); 0 when not applicable
 * @param tiers         tiers allowed to use this model
 */
public record ModelSpec(String id, String provider, String upstreamId, Modality modality, Source source,
                        Set<Capability> capabilities, int contextWindow, Price price, Set<String> tiers,
                        String description) {

    public ModelSpec {
        capabilities = Set.copyOf(capabilities);
        tiers = Set.copyOf(tiers);
        if (price == null) {
            price = Price.FREE;
        }
    }

    public boolean can(Capability c) {
        return capabilities.contains(c);
    }

    public boolean allowsTier(String tier) {
        return tiers.contains(tier);
    }
}
