package ai.aideon.providers.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalEnginesTest {

    @Test
    void reportsInstalledEnginesAndRemembersTheAnswer() {
        RequiredEngines.espeak();
        RequiredEngines.sox();
        RequiredEngines.pocketsphinx();
        assertThat(LocalEngines.espeakAvailable()).isTrue();
        assertThat(LocalEngines.soxAvailable()).isTrue();
        assertThat(PocketsphinxCli.detect()).isPresent();
        long started = System.nanoTime();
        assertThat(LocalEngines.pocketsphinxAvailable()).isTrue();
        assertThat(System.nanoTime() - started).as("cached, not probed again").isLessThan(50_000_000L);
    }

    @Test
    void programsThatAreNotThereAreNotAvailable() {
        assertThat(LocalEngines.installed("/nonexistent/espeak-ng")).isFalse();
        assertThat(LocalEngines.installed("no-such-program-aideon")).isFalse();
        assertThat(LocalEngines.succeeds(java.util.List.of("no-such-program-aideon", "--version"))).isFalse();
        assertThat(PocketsphinxProbe.works(PocketsphinxCli.single("/nonexistent/pocketsphinx"))).isFalse();
        assertThat(LocalEngines.soxFileTypes("/nonexistent/sox")).isEmpty();
    }

    @Test
    void soxListsWhatItCanWrite() {
        RequiredEngines.sox();
        assertThat(LocalEngines.soxFileTypes(LocalEngines.SOX)).contains("wav", "flac");
    }
}
