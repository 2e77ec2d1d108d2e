package ai.aideon.core.tier;

import java.util.Locale;

/** What a limit counts. Money is counted in integer micro-dollars, never floating point. */
public enum Meter {
    REQUESTS, TOKENS, IMAGES, AUDIO_SECONDS, COST_MICROS;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
