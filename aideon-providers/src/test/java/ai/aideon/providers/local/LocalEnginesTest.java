package ai.aideon.providers.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalEnginesTest {

    @Test
    void reportsInstalledEnginesAndRemembersTheAnswer() {
        RequiredEngines.espeak();
        RequiredEngines.sox();
        assertThat(LocalEngines.espeakAvailable()).isTrue();
        assertThat(LocalEngines.soxAvailable()).isTrue();
    }

    @Test
    void programsThatAreNotThereAreNotAvailable() {
        assertThat(LocalEngines.installed("/nonexistent/espeak-ng")).isFalse();
        assertThat(LocalEngines.installed("no-such-program-aideon")).isFalse();
        assertThat(LocalEngines.succeeds(java.util.List.of("no-such-program-aideon", "--version"))).isFalse();
        assertThat(LocalEngines.soxFileTypes("/nonexistent/sox")).isEmpty();
    }

    @Test
    void soxListsWhatItCanWrite() {
        RequiredEngines.sox();
        assertThat(LocalEngines.soxFileTypes(LocalEngines.SOX)).contains("wav", "flac");
    }
}
