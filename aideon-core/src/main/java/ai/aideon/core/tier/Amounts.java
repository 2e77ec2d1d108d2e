package ai.aideon.core.tier;

/**
 * An amount on every meter: what a request may use at worst (reserved) or did use (settled).
 * {@code requests} is 1 for a request that counts against request quotas.
 */
public record Amounts(long requests, long tokens, long images, long audioSeconds, long costMicros) {
    public static final Amounts ZERO = new Amounts(0, 0, 0, 0, 0);

    public Amounts {
        if (requests < 0 || tokens < 0 || images < 0 || audioSeconds < 0 || costMicros < 0) {
            throw new IllegalArgumentException("negative amount");
        }
    }

    public long get(Meter meter) {
        return switch (meter) {
            case REQUESTS -> requests;
            case TOKENS -> tokens;
            case IMAGES -> images;
            case AUDIO_SECONDS -> audioSeconds;
            case COST_MICROS -> costMicros;
        };
    }
}
