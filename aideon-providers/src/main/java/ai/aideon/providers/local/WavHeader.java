package ai.aideon.providers.local;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The format of a RIFF/WAVE stream, read chunk by chunk up to its first sample. Chunks are walked rather than
 * assuming the canonical 44-byte layout, because writers may put LIST or fact chunks before the samples.
 *
 * @param encoding      1 = integer PCM (the only one the engines here produce or accept)
 * @param dataLength    bytes of samples the header declares, or -1 when it does not know: a writer that cannot seek
 *                      back, such as {@code espeak-ng --stdout}, puts a placeholder there (0x7ffff000)
 * @param dataOffset    bytes from the start of the stream to the first sample
 */
public record WavHeader(int encoding, int channels, int sampleRate, int bitsPerSample, long dataLength,
                        long dataOffset) {
    public static final int PCM = 1;
    /** Size of the header {@link #pcm16Mono} writes. */
    public static final int CANONICAL_BYTES = 44;

    private static final int EXTENSIBLE = 0xFFFE;
    /** Lengths at or above this are the placeholders of streaming writers, not real sizes. */
    private static final long STREAMING_PLACEHOLDER = 0x7ffff000L;

    /**
     * Reads from the start of a WAV stream and leaves {@code in} at the first sample.
     *
     * @throws IOException when the stream is not RIFF/WAVE or ends before its samples
     */
    public static WavHeader read(InputStream in) throws IOException {
        Reader r = new Reader(in);
        if (!r.tag().equals("RIFF")) {
            throw new IOException("not a WAV stream: it does not start with RIFF");
        }
        r.uint32();
        if (!r.tag().equals("WAVE")) {
            throw new IOException("not a WAV stream: RIFF form is not WAVE");
        }
        int encoding = -1;
        int channels = 0;
        int sampleRate = 0;
        int bits = 0;
        while (true) {
            String id = r.tag();
            long size = r.uint32();
            if (id.equals("data")) {
                if (encoding < 0) {
                    throw new IOException("not a usable WAV stream: samples come before the fmt chunk");
                }
                long length = size == 0 || size >= STREAMING_PLACEHOLDER ? -1 : size;
                return new WavHeader(encoding, channels, sampleRate, bits, length, r.position);
            }
            if (id.equals("fmt ") && size >= 16) {
                encoding = r.uint16();
                channels = r.uint16();
                sampleRate = (int) r.uint32();
                r.uint32(); // byte rate: derived from the rest, so not trusted
                r.uint16(); // block align: likewise
                bits = r.uint16();
                long rest = size - 16;
                if (encoding == EXTENSIBLE && rest >= 24) {
                    r.skip(8); // extension size, valid bits, channel mask
                    encoding = r.uint16(); // the sub-format GUID begins with the real format code
                    rest -= 10;
                }
                r.skip(rest + (size & 1));
            } else {
                r.skip(size + (size & 1)); // chunks are padded to an even length
            }
        }
    }

    /** A canonical 44-byte header for 16-bit mono PCM. */
    public static byte[] pcm16Mono(int sampleRate, long dataLength) {
        ByteBuffer b = ByteBuffer.allocate(CANONICAL_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + dataLength))
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) PCM).putShort((short) 1).putInt(sampleRate).putInt(sampleRate * 2)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataLength);
        return b.array();
    }

    public boolean isPcm16Mono() {
        return encoding == PCM && channels == 1 && bitsPerSample == 16;
    }

    public int bytesPerSecond() {
        return sampleRate * channels * (bitsPerSample / 8);
    }

    /** How long {@code dataBytes} of these samples play. */
    public double seconds(long dataBytes) {
        int rate = bytesPerSecond();
        return rate == 0 ? 0 : (double) dataBytes / rate;
    }

    /**
     * The samples that follow this header in {@code afterHeader}: cut at the declared length when there is one (a
     * chunk may follow the samples), otherwise everything to the end of the stream.
     */
    public InputStream samples(InputStream afterHeader) {
        return dataLength < 0 ? afterHeader : new Limited(afterHeader, dataLength);
    }

    /** Little-endian fields, counting how far into the stream it has read. */
    private static final class Reader {
        private final InputStream in;
        private long position;

        Reader(InputStream in) {
            this.in = in;
        }

        String tag() throws IOException {
            return new String(bytes(4), StandardCharsets.US_ASCII);
        }

        int uint16() throws IOException {
            byte[] b = bytes(2);
            return (b[0] & 0xff) | (b[1] & 0xff) << 8;
        }

        long uint32() throws IOException {
            byte[] b = bytes(4);
            return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
        }

        void skip(long n) throws IOException {
            in.skipNBytes(n);
            position += n;
        }

        private byte[] bytes(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new EOFException("WAV stream ended inside its header");
            }
            position += n;
            return b;
        }
    }

    /** At most {@code remaining} bytes of the underlying stream. */
    private static final class Limited extends FilterInputStream {
        private long remaining;

        Limited(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buf, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }
    }
}
