package ai.aideon.providers.local;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Tests that need a real engine skip when it is missing, with the command that installs it, unless
 * {@code AIDEON_REQUIRE_LOCAL_ENGINES=1} (CI sets it): then a missing engine fails the build, so CI cannot go
 * green by silently skipping every speech test.
 */
final class RequiredEngines {
    static final String REQUIRE_ENV = "AIDEON_REQUIRE_LOCAL_ENGINES";

    private RequiredEngines() {
    }

    static void espeak() {
        require(LocalEngines.espeakAvailable(), "espeak-ng is not installed: apt-get install espeak-ng");
    }

    static void sox() {
        require(LocalEngines.soxAvailable(), "sox is not installed: apt-get install sox");
    }

    static void soxMp3() {
        sox();
        require(LocalEngines.soxFileTypes(LocalEngines.SOX).contains("mp3"),
                "sox has no mp3 support: apt-get install libsox-fmt-mp3");
    }

    static void pocketsphinx() {
        require(LocalEngines.pocketsphinxAvailable(),
                "pocketsphinx is not installed: apt-get install pocketsphinx pocketsphinx-en-us");
    }

    private static void require(boolean available, String howToInstall) {
        if (available) {
            return;
        }
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            fail(howToInstall + " (" + REQUIRE_ENV + "=1 forbids skipping this test)");
        }
        Assumptions.assumeTrue(false, howToInstall);
    }
}
