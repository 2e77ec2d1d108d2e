package ai.aideon.providers.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A simulated provider instance.
 *
 * @param name              instance name ({@code local}, {@code together})
 * @param seed              makes answers and the fault sequence reproducible
 * @param firstTokenLatency wait before the first token
 * @param perTokenLatency   wait between tokens
 * @param models            behaviour per upstream model id; the key {@code *} applies to models not listed
 */
public record SimulatorSettings(String name, long seed, Duration firstTokenLatency, Duration perTokenLatency,
                                Map<String, ModelBehaviour> models) {

    public static final String ANY_MODEL = "*";

    public SimulatorSettings {
        Objects.requireNonNull(name, "name");
        firstTokenLatency = firstTokenLatency == null ? Duration.ZERO : firstTokenLatency;
        perTokenLatency = perTokenLatency == null ? Duration.ZERO : perTokenLatency;
        models = models == null ? Map.of() : Map.copyOf(models);
    }

    /** No latency, no faults. */
    public static SimulatorSettings instant(String name, long seed) {
        return new SimulatorSettings(name, seed, Duration.ZERO, Duration.ZERO, Map.of());
    }

    public ModelBehaviour behaviour(String modelId) {
        ModelBehaviour b = modelId == null ? null : models.get(modelId);
        if (b == null) {
            b = models.get(ANY_MODEL);
        }
        return b == null ? ModelBehaviour.HEALTHY : b;
    }

    /**
     * @param errorRate           probability that a call fails up front with OVERLOADED (503)
     * @param midStreamFailureRate probability that a stream breaks after some chunks with UNAVAILABLE
     * @param extraLatency        added to the first-token latency (a slower model)
     */
    public record ModelBehaviour(double errorRate, double midStreamFailureRate, Duration extraLatency) {
        public static final ModelBehaviour HEALTHY = new ModelBehaviour(0, 0, Duration.ZERO);

        public ModelBehaviour {
            if (errorRate < 0 || errorRate > 1 || midStreamFailureRate < 0 || midStreamFailureRate > 1) {
                throw new IllegalArgumentException("rates must be within 0..1");
            }
            extraLatency = extraLatency == null ? Duration.ZERO : extraLatency;
        }
    }
}
