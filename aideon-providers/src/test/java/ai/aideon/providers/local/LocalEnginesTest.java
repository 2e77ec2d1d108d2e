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
        int probesRun = LocalEngines.probesRun();
        assertThat(LocalEngines.pocketsphinxAvailable()).isTrue();
        assertThat(LocalEngines.espeakAvailable()).isTrue();
        assertThat(LocalEngines.probesRun()).as("cached, not probed again").isEqualTo(probesRun);
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
