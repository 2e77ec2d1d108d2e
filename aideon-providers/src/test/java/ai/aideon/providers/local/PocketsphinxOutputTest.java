package ai.aideon.providers.local;

import ai.aideon.core.api.Transcription.Segment;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class PocketsphinxOutputTest {

    @Test
    void continuousTextLinesWithWordTimesBecomeSegments() {
        // Real pocketsphinx_continuous -time yes output for two utterances separated by a pause.
        String out = """
                hello world where there is
                <s> 0.000 0.050 1.000100
                hello 0.060 0.350 0.410860
                world 0.360 0.880 0.999900
                <sil> 0.890 1.080 0.999600
                where(2) 1.090 1.420 0.481965
                there 1.430 1.620 0.055786
                is 1.630 1.790 0.120182
                </s> 2.680 3.120 1.000000
                good morning
                <s> 5.000 5.140 0.999800
                good 5.150 5.320 0.325195
                morning 5.330 5.580 0.440610
                </s> 6.510 6.870 1.000000
                """;

        assertThat(PocketsphinxOutput.fromContinuous(out)).containsExactly(
                new Segment(0, 0.060, 1.790, "hello world where there is"),
                new Segment(1, 5.150, 5.580, "good morning"));
    }

    @Test
    void continuousTextWithoutTimesStillCounts() {
        assertThat(PocketsphinxOutput.fromContinuous("Hello  World\n\n"))
                .containsExactly(new Segment(0, 0, 0, "hello world"));
        assertThat(PocketsphinxOutput.fromContinuous("")).isEmpty();
    }

    @Test
    void singleJsonLinesBecomeSegments() throws IOException {
        // The shape documented for pocketsphinx 5.x `single` (PROVIDERS.md §7.5).
        String out = """
                {"b":0.0,"d":1.83,"p":1.0,"t":"go forward ten meters","w":[{"t":"go","b":0.0,"d":0.2,"p":1.0}]}
                {"b":2.5,"d":0.5,"p":1.0,"t":"","w":[]}
                {"b":3.0,"d":1.0,"p":0.9,"t":"Stop","w":[]}
                """;

        assertThat(PocketsphinxOutput.fromJsonLines(out)).containsExactly(
                new Segment(0, 0.0, 1.83, "go forward ten meters"),
                new Segment(1, 3.0, 4.0, "stop"));
    }
}
