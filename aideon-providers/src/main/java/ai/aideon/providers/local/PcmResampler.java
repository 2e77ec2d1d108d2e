package ai.aideon.providers.local;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Changes the sample rate of 16-bit little-endian mono PCM as it streams, by linear interpolation between
 * neighbouring samples. Good enough for synthetic speech, whose energy sits far below either Nyquist frequency, and
 * it needs no extra program. The position is kept as an exact fraction (in units of 1/outputRate input samples),
 * so long streams do not drift.
 */
final class PcmResampler extends InputStream {
    private static final int OUTPUT_CHUNK_SAMPLES = 1024;

    private final InputStream in;
    private final int inputRate;
    private final int outputRate;
    private final byte[] out = new byte[OUTPUT_CHUNK_SAMPLES * 2];
    private int outStart;
    private int outEnd;
    /** The two input samples the next output lies between, and how far past {@code previous} it is. */
    private int previous;
    private int next;
    private long fraction;
    private boolean started;
    private boolean ended;

    PcmResampler(InputStream in, int inputRate, int outputRate) {
        if (inputRate <= 0 || outputRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive");
        }
        // Samples are read two bytes at a time; buffering keeps that from being a call down the pipeline per byte.
        this.in = new BufferedInputStream(in);
        this.inputRate = inputRate;
        this.outputRate = outputRate;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (outStart == outEnd && !refill()) {
            return -1;
        }
        int n = Math.min(len, outEnd - outStart);
        System.arraycopy(out, outStart, buf, off, n);
        outStart += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Produces up to one chunk of output samples; false at the end of the input. */
    private boolean refill() throws IOException {
        if (!started) {
            started = true;
            Integer first = readSample();
            Integer second = first == null ? null : readSample();
            if (second == null) {
                ended = true; // fewer than two samples: nothing to interpolate between
                return false;
            }
            previous = first;
            next = second;
        }
        outStart = 0;
        outEnd = 0;
        while (!ended && outEnd < out.length) {
            int sample = (int) (previous + (next - previous) * fraction / outputRate);
            out[outEnd++] = (byte) sample;
            out[outEnd++] = (byte) (sample >> 8);
            fraction += inputRate;
            while (fraction >= outputRate) {
                fraction -= outputRate;
                Integer following = readSample();
                if (following == null) {
                    ended = true;
                    break;
                }
                previous = next;
                next = following;
            }
        }
        return outEnd > 0;
    }

    /** The next signed sample, or null at a clean end of input. */
    private Integer readSample() throws IOException {
        int low = in.read();
        if (low < 0) {
            return null;
        }
        int high = in.read();
        if (high < 0) {
            throw new EOFException("PCM stream ended inside a sample");
        }
        return (int) (short) (low | high << 8);
    }
}
