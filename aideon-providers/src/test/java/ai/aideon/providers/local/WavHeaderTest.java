package ai.aideon.providers.local;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WavHeaderTest {

    @Test
    void streamingPlaceholderLengthMeansUnknown() throws IOException {
        // What espeak-ng --stdout writes: it cannot seek back to fill in the sizes.
        byte[] header = WavHeader.pcm16Mono(22_050, 0x7ffff000L);
        InputStream in = new ByteArrayInputStream(concat(header, new byte[] {1, 2, 3, 4}));

        WavHeader wav = WavHeader.read(in);
        assertThat(wav.sampleRate()).isEqualTo(22_050);
        assertThat(wav.isPcm16Mono()).isTrue();
        assertThat(wav.dataLength()).isEqualTo(-1);
        assertThat(wav.dataOffset()).isEqualTo(44);
        assertThat(wav.samples(in).readAllBytes()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void chunksBeforeTheSamplesAreSkippedAndTheDeclaredLengthIsHonoured() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("RIFF"));
        out.writeBytes(le32(0));
        out.writeBytes(ascii("WAVE"));
        out.writeBytes(ascii("fmt "));
        out.writeBytes(le32(16));
        out.writeBytes(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1)
                .putShort((short) 1).putInt(16_000).putInt(32_000).putShort((short) 2).putShort((short) 16).array());
        out.writeBytes(ascii("LIST"));
        out.writeBytes(le32(3)); // odd: padded to 4
        out.writeBytes(new byte[] {9, 9, 9, 0});
        out.writeBytes(ascii("data"));
        out.writeBytes(le32(4));
        out.writeBytes(new byte[] {1, 2, 3, 4, 7, 7}); // two bytes of some trailing chunk
        InputStream in = new ByteArrayInputStream(out.toByteArray());

        WavHeader wav = WavHeader.read(in);
        assertThat(wav.sampleRate()).isEqualTo(16_000);
        assertThat(wav.dataLength()).isEqualTo(4);
        assertThat(wav.dataOffset()).isEqualTo(56);
        assertThat(wav.samples(in).readAllBytes()).containsExactly(1, 2, 3, 4);
        assertThat(wav.seconds(32_000)).isEqualTo(1.0);
    }

    @Test
    void notAWavIsRefused() {
        assertThatThrownBy(() -> WavHeader.read(new ByteArrayInputStream(ascii("ID3\u0004 some mp3"))))
                .isInstanceOf(IOException.class).hasMessageContaining("RIFF");
        assertThatThrownBy(() -> WavHeader.read(new ByteArrayInputStream(ascii("RIFF"))))
                .isInstanceOf(IOException.class);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
