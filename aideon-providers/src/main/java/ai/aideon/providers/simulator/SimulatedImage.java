package ai.aideon.providers.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * The simulator's pictures: real PNGs (8-bit RGB) of any size, a diagonal gradient with a few soft discs, all
 * drawn from a generator seeded by the prompt and seed, so the same request always gives the same bytes.
 *
 * <p>Written directly (chunks, zlib, CRC-32) rather than through ImageIO: no AWT, nothing to load, and the Sub
 * filter turns a gradient into near-constant bytes that deflate at its fastest level squeezes to a few kilobytes.
 */
final class SimulatedImage {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int BYTES_PER_PIXEL = 3;
    /** PNG's "Sub" filter: each byte is stored as its difference from the same channel one pixel to the left. */
    private static final byte FILTER_SUB = 1;
    private static final int DISCS = 3;

    private SimulatedImage() {
    }

    /** A {@code width}×{@code height} PNG; equal arguments give equal bytes. */
    static byte[] png(long seed, String prompt, int width, int height) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + prompt.hashCode());
        int[] from = color(r);
        int[] to = color(r);
        int[][] discs = new int[DISCS][];
        for (int i = 0; i < DISCS; i++) {
            int radius = Math.max(1, Math.min(width, height) / (3 + r.nextInt(4)));
            int[] c = color(r);
            discs[i] = new int[]{r.nextInt(width), r.nextInt(height), radius, c[0], c[1], c[2]};
        }
        ByteArrayOutputStream idat = new ByteArrayOutputStream(4096);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 64 * 1024)) {
            byte[] row = new byte[1 + width * BYTES_PER_PIXEL];
            byte[] rgb = new byte[width * BYTES_PER_PIXEL];
            row[0] = FILTER_SUB;
            long span = Math.max(1, (long) width + height - 2);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int t = (int) ((x + y) * 255L / span);
                    int red = mix(from[0], to[0], t);
                    int green = mix(from[1], to[1], t);
                    int blue = mix(from[2], to[2], t);
                    for (int[] d : discs) {
                        long dx = x - d[0];
                        long dy = y - d[1];
                        if (dx * dx + dy * dy < (long) d[2] * d[2]) { // half-transparent disc over the gradient
                            red = (red + d[3]) >> 1;
                            green = (green + d[4]) >> 1;
                            blue = (blue + d[5]) >> 1;
                        }
                    }
                    int i = x * BYTES_PER_PIXEL;
                    rgb[i] = (byte) red;
                    rgb[i + 1] = (byte) green;
                    rgb[i + 2] = (byte) blue;
                }
                for (int i = 0; i < rgb.length; i++) {
                    int left = i >= BYTES_PER_PIXEL ? rgb[i - BYTES_PER_PIXEL] : 0;
                    row[1 + i] = (byte) (rgb[i] - left);
                }
                z.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        } finally {
            deflater.end();
        }
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8)   // bits per channel
                .put((byte) 2)   // colour type: RGB
                .put((byte) 0)   // compression: zlib
                .put((byte) 0)   // filtering: adaptive (per-row filter byte)
                .put((byte) 0);  // no interlace
        ByteArrayOutputStream png = new ByteArrayOutputStream(idat.size() + 64);
        png.writeBytes(SIGNATURE);
        chunk(png, "IHDR", ihdr.array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static int[] color(SplittableRandom r) {
        return new int[]{r.nextInt(256), r.nextInt(256), r.nextInt(256)};
    }

    private static int mix(int a, int b, int t) {
        return a + (b - a) * t / 255;
    }

    /** length, type, data, CRC-32 of type and data. */
    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
