package ai.aideon.server;

import ai.aideon.providers.local.LocalEngines;

/**
 * Whether a test may use the real espeak-ng, pocketsphinx and sox: when they are installed, or when CI requires them
 * ({@code AIDEON_REQUIRE_LOCAL_ENGINES=1}); then a missing engine fails the test instead of letting it skip.
 */
final class LocalSpeechEngines {
    static final String INSTALL_HINT = "install espeak-ng pocketsphinx pocketsphinx-en-us sox libsox-fmt-mp3";

    private LocalSpeechEngines() {
    }

    static boolean required() {
        return "1".equals(System.getenv("AIDEON_REQUIRE_LOCAL_ENGINES"));
    }

    /** espeak-ng, pocketsphinx and sox, for speaking and hearing back. */
    static boolean usable() {
        return required() || LocalEngines.espeakAvailable() && LocalEngines.pocketsphinxAvailable()
                && LocalEngines.soxAvailable();
    }

    /** espeak-ng alone, for speaking. */
    static boolean espeakUsable() {
        return required() || LocalEngines.espeakAvailable();
    }
}
