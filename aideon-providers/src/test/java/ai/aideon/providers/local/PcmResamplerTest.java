package ai.aideon.providers.local;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PcmResamplerTest {

    @Test
    void oneSecondStaysOneSecond() throws IOException {
        short[] out = resample(new short[22_050], 22_050, 24_000);
        assertThat(out.length).isCloseTo(24_000, within(2));
    }

    @Test
    void aConstantSignalStaysConstant() throws IOException {
        short[] in = new short[5000];
        java.util.Arrays.fill(in, (short) -1234);
        for (short s : resample(in, 22_050, 24_000)) {
            assertThat(s).isEqualTo((short) -1234);
        }
    }

    @Test
    void valuesBetweenSamplesAreInterpolated() throws IOException {
        // Doubling the rate puts a new sample half-way between each pair.
        short[] out = resample(new short[] {0, 100, 200, -200}, 1, 2);
        assertThat(out).containsExactly((short) 0, (short) 50, (short) 100, (short) 150, (short) 200, (short) 0);
    }

    private static short[] resample(short[] samples, int from, int to) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asShortBuffer().put(samples);
        try (InputStream in = new PcmResampler(new ByteArrayInputStream(bytes.array()), from, to)) {
            ShortBuffer out = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
            short[] result = new short[out.remaining()];
            out.get(result);
            return result;
        }
    }
}
