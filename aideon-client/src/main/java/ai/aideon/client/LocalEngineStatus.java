package ai.aideon.client;

import java.time.Instant;
import java.util.List;

/**
 * What the gateway knows about one local engine, for {@code /aideon/v1/health}.
 *
 * @param state          {@code up}, {@code down}, {@code loading}, or {@code unknown} before the first probe
 * @param detail         the probe's words (e.g. {@code connection refused}), or null
 * @param lastProbe      when it was last probed, or null
 * @param discovers      whether its models are discovered
 * @param models         catalog ids of its discovered models (empty when it does not discover)
 * @param lastDiscovery  when its model list was last read successfully, or null
 * @param discoveryError why the last attempt to read it failed, or null when it did not
 */
public record LocalEngineStatus(String name, String type, String state, String detail, Instant lastProbe,
                                boolean discovers, List<String> models, Instant lastDiscovery,
                                String discoveryError) {
    public LocalEngineStatus {
        models = List.copyOf(models);
    }
}
