package ai.aideon.store;

import ai.aideon.core.tier.Meter;

/** Which ledger column holds each meter. Constants only: safe to splice into SQL. */
final class MeterColumns {

    private MeterColumns() {
    }

    static String of(Meter meter) {
        return switch (meter) {
            case REQUESTS -> "requests";
            case TOKENS -> "tokens";
            case IMAGES -> "images";
            case AUDIO_SECONDS -> "audio_seconds";
            case COST_MICROS -> "cost_micros";
        };
    }
}
