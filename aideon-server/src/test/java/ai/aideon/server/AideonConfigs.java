package ai.aideon.server;

import ai.aideon.client.config.AideonConfig;
import ai.aideon.core.catalog.Catalog;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Price;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Test helpers that derive configs from configs. */
final class AideonConfigs {
    private AideonConfigs() {
    }

    /** The same config with one model's token prices (input and output) set to {@code usdPerMTokens}. */
    static AideonConfig withPrice(AideonConfig c, String modelId, String usdPerMTokens) {
        List<ModelSpec> models = new ArrayList<>();
        for (ModelSpec m : c.catalog().models()) {
            models.add(!m.id().equals(modelId) ? m : new ModelSpec(m.id(), m.provider(), m.upstreamId(),
                    m.modality(), m.source(), m.capabilities(), m.contextWindow(),
                    new Price(new BigDecimal(usdPerMTokens), new BigDecimal(usdPerMTokens), null, null, null, null),
                    m.tiers(), m.description()));
        }
        return new AideonConfig(c.server(), c.router(), c.executor(), c.providers(),
                new Catalog(models, c.catalog().routes()), c.clients(), c.tiers(), c.store(), c.source(), c.cache());
    }
}
