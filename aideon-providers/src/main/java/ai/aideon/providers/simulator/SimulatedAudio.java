package ai.aideon.providers.simulator;

import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.local.LocalEngines;
import ai.aideon.providers.local.WavHeader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * The simulator's audio: tones standing in for speech, and a made-up transcript for uploaded audio. Nothing here
 * understands language; it only has to be valid audio of a plausible length, the same for the same input, so demo
 * mode and tests can exercise the speech and transcription paths without an engine or a network.
 */
final class SimulatedAudio {
    /** OpenAI's pcm format and Together's Kokoro/Orpheus rate; WAV uses it too so both carry the same samples. */
    static final int SAMPLE_RATE = 24_000;
    /** Roughly how long a character takes to say at normal speed (about 150 words a minute). */
    static final Duration PER_CHARACTER = Duration.ofMillis(60);
    /** Keeps a long input from producing megabytes of tones: the sound carries no information anyway. */
    static final Duration LONGEST = Duration.ofSeconds(30);
    static final Duration SHORTEST = Duration.ofMillis(200);
    /** What a non-WAV upload is assumed to be encoded at to guess its length: a typical 128 kbit/s mp3. */
    static final int COMPRESSED_BYTES_PER_SECOND = 16_000;

    /** About -20 dBFS: audible in a player, not alarming. */
    private static final double AMPLITUDE = 0.1 * Short.MAX_VALUE;
    private static final int NOTE_MILLIS = 120;
    /** Fade at each note's edges; a tone cut off mid-wave clicks. */
    private static final int FADE_SAMPLES = SAMPLE_RATE / 200;
    /** A pentatonic scale (A3..E5): any sequence drawn from it sounds calm rather than random. */
    private static final double[] NOTES_HZ = {220.0, 246.94, 277.18, 329.63, 369.99, 440.0, 493.88, 554.37, 659.25};
    private static final long SOX_SECONDS = 30;

    private SimulatedAudio() {
    }

    /** The formats a client can ask for, and how each is made from the generated samples. */
    enum Format {
        WAV("audio/wav", null),
        PCM("audio/pcm", null),
        MP3("audio/mpeg", "mp3"),
        FLAC("audio/flac", "flac");

        /** OpenAI's default when response_format is not given. */
        static final Format DEFAULT = MP3;

        final String contentType;
        /** The sox file type that encodes it, null when the simulator writes it itself. */
        final String soxType;

        Format(String contentType, String soxType) {
            this.contentType = contentType;
            this.soxType = soxType;
        }

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Null for a format the simulator cannot make at all (opus, aac, anything unknown). */
        static Format forRequest(String requested) {
            if (requested == null || requested.isBlank()) {
                return DEFAULT;
            }
            String wanted = requested.trim().toLowerCase(Locale.ROOT);
            return Arrays.stream(values()).filter(f -> f.wireName().equals(wanted)).findFirst().orElse(null);
        }
    }

    /** How long {@code characters} of text last at {@code speed}, within {@link #SHORTEST}..{@link #LONGEST}. */
    static Duration spokenLength(int characters, double speed) {
        long millis = Math.round(PER_CHARACTER.toMillis() * characters / speed);
        return Duration.ofMillis(Math.clamp(millis, SHORTEST.toMillis(), LONGEST.toMillis()));
    }

    /**
     * 16-bit little-endian mono samples at {@link #SAMPLE_RATE}: a sequence of short notes whose pitches are drawn
     * from a generator seeded by the text, so the same text always sounds the same.
     */
    static byte[] tones(long seed, String text, Duration length) {
        int samples = (int) (length.toMillis() * SAMPLE_RATE / 1000);
        int perNote = SAMPLE_RATE * NOTE_MILLIS / 1000;
        SplittableRandom pitches = new SplittableRandom(seed * 31 + text.hashCode());
        ByteBuffer out = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        double frequency = 0;
        for (int i = 0; i < samples; i++) {
            int inNote = i % perNote;
            if (inNote == 0) {
                frequency = NOTES_HZ[pitches.nextInt(NOTES_HZ.length)];
            }
            int noteLength = Math.min(perNote, samples - (i - inNote)); // the last note may be cut short
            int toEdge = Math.min(inNote, noteLength - 1 - inNote);
            double envelope = Math.min(1.0, (double) Math.max(0, toEdge) / FADE_SAMPLES);
            double value = AMPLITUDE * envelope * Math.sin(2 * Math.PI * frequency * inNote / SAMPLE_RATE);
            out.putShort((short) Math.round(value));
        }
        return out.array();
    }

    static byte[] wav(byte[] pcm) {
        byte[] header = WavHeader.pcm16Mono(SAMPLE_RATE, pcm.length);
        byte[] wav = Arrays.copyOf(header, header.length + pcm.length);
        System.arraycopy(pcm, 0, wav, header.length, pcm.length);
        return wav;
    }

    /** True when this machine's sox can write {@code format}. */
    static boolean soxCanWrite(String soxBinary, Format format) {
        return LocalEngines.installed(soxBinary) && LocalEngines.soxFileTypes(soxBinary).contains(format.soxType);
    }

    /** The formats this machine can make, for error messages. */
    static String formatsAvailable(String soxBinary) {
        StringJoiner list = new StringJoiner(", ");
        for (Format f : Format.values()) {
            if (f.soxType == null || soxCanWrite(soxBinary, f)) {
                list.add(f.wireName());
            }
        }
        return list.toString();
    }

    /**
     * Encodes a WAV with sox. The whole clip is at most {@link #LONGEST} long, so it is converted in memory rather
     * than streamed.
     */
    static byte[] transcode(String soxBinary, byte[] wav, Format format) throws ProviderException {
        Process sox;
        try {
            sox = new ProcessBuilder(soxBinary, "-q", "-t", "wav", "-", "-t", format.soxType, "-")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, "simulator: could not start sox: " + e.getMessage());
        }
        // Written on its own thread: sox starts writing its output before it has read all of its input.
        Thread.ofVirtual().name("simulator-sox-stdin").start(() -> {
            try (OutputStream stdin = sox.getOutputStream()) {
                stdin.write(wav);
            } catch (IOException e) {
                // sox died early; its exit status below says so.
            }
        });
        try (InputStream stdout = sox.getInputStream()) {
            byte[] encoded = stdout.readAllBytes();
            if (!sox.waitFor(SOX_SECONDS, TimeUnit.SECONDS)) {
                sox.destroyForcibly();
                throw new ProviderException(Kind.TIMEOUT, "simulator: sox did not finish encoding " + format.wireName());
            }
            if (sox.exitValue() != 0 || encoded.length == 0) {
                throw new ProviderException(Kind.UNAVAILABLE,
                        "simulator: sox failed to encode " + format.wireName() + " (exit " + sox.exitValue() + ")");
            }
            return encoded;
        } catch (IOException e) {
            sox.destroyForcibly();
            throw new ProviderException(Kind.UNAVAILABLE, "simulator: reading sox output failed: " + e.getMessage());
        } catch (InterruptedException e) {
            sox.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.UNAVAILABLE, "simulator: interrupted while encoding");
        }
    }

    /**
     * How long an upload plays: exact for a PCM WAV (from its header, or from its size when the header has no
     * length), otherwise guessed from the byte count as if it were a 128 kbit/s mp3.
     */
    static double secondsOf(byte[] upload) {
        try {
            WavHeader header = WavHeader.read(new ByteArrayInputStream(upload));
            long dataBytes = header.dataLength() >= 0
                    ? Math.min(header.dataLength(), upload.length - header.dataOffset())
                    : upload.length - header.dataOffset();
            return header.seconds(Math.max(0, dataBytes));
        } catch (IOException notWav) {
            return (double) upload.length / COMPRESSED_BYTES_PER_SECOND;
        }
    }

    /** A transcript that names the clip's length and a short fingerprint, so different uploads read differently. */
    static String transcript(byte[] upload, double seconds) {
        return String.format(Locale.ROOT, "simulated transcription of %.1f seconds of audio (clip %06x)", seconds,
                Arrays.hashCode(upload) & 0xffffff);
    }
}
