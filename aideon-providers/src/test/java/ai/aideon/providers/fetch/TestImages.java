package ai.aideon.providers.fetch;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real images, encoded by the JDK's ImageIO, so the signatures under test are the ones encoders write. */
final class TestImages {
    static final byte[] PNG = encode("png");
    static final byte[] JPEG = encode("jpg");
    static final byte[] GIF = encode("gif");
    static final byte[] WEBP = webp();
    static final byte[] HTML = "<!doctype html><html><body>not an image</body></html>"
            .getBytes(StandardCharsets.US_ASCII);

    private TestImages() {
    }

    /** ImageIO has no WebP writer: the RIFF header, the WEBP form type and a lossless (VP8L) chunk header. */
    private static byte[] webp() {
        byte[] bytes = new byte[30];
        byte[] header = "RIFF\0\0\0\0WEBPVP8L".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, bytes, 0, header.length);
        bytes[4] = (byte) (bytes.length - 8); // RIFF size: everything after the first 8 bytes
        return bytes;
    }

    private static byte[] encode(String format) {
        BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 1, 0xFF8800);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
