package ai.aideon.providers.local;

import ai.aideon.core.api.SpeechAudio;
import ai.aideon.core.api.SpeechRequest;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.core.provider.SpeechProvider;
import ai.aideon.providers.ProviderSettings;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Text to speech with espeak-ng, on this machine. The text goes to espeak on stdin, never as an argument, so no
 * input can become an option. espeak writes WAV; mp3 and flac are made by piping it through sox, pcm by dropping the
 * WAV header and resampling to OpenAI's 24 kHz. Audio is handed back while espeak is still speaking: this method
 * returns as soon as the first bytes exist, and later failures surface as IOExceptions from the stream.
 *
 * <p>Options: {@code espeak_binary} and {@code sox_binary} name the programs to run, as a name looked up on the
 * PATH (default {@code espeak-ng} and {@code sox}) or a path, for installs outside the PATH. When espeak is not
 * there the provider answers {@link Kind#UNAVAILABLE} naming the package to install, so routes fall back to their
 * next candidate.
 */
public final class EspeakSpeechProvider implements SpeechProvider {
    public static final String ESPEAK_OPTION = "espeak_binary";
    public static final String SOX_OPTION = "sox_binary";
    static final String ESPEAK_MISSING = "espeak-ng is not installed: apt-get install espeak-ng";
    static final String SOX_MISSING = "sox is not installed (it makes mp3 and flac): apt-get install sox libsox-fmt-mp3";
    static final String MP3_MISSING = "sox cannot write mp3 without its MP3 plug-in: apt-get install libsox-fmt-mp3";

    /** espeak-ng's slowest and fastest rates in words per minute (espeakRATE_MINIMUM/MAXIMUM in speak_lib.h). */
    static final int MIN_WORDS_PER_MINUTE = 80;
    static final int MAX_WORDS_PER_MINUTE = 450;
    /** The rate at speed 1: slower than espeak's default 175, which listeners and pocketsphinx follow better. */
    static final int NORMAL_WORDS_PER_MINUTE = 140;

    private static final int FIRST_READ_BYTES = 8192;

    private final String name;
    private final String espeakBinary;
    private final String soxBinary;
    private final EspeakVoices voices;

    /** Uses {@code espeak-ng} and {@code sox} from the PATH. */
    public EspeakSpeechProvider(String name) {
        this(name, LocalEngines.ESPEAK, LocalEngines.SOX);
    }

    /** As configured: options {@value #ESPEAK_OPTION} and {@value #SOX_OPTION}, else the programs on the PATH. */
    public EspeakSpeechProvider(ProviderSettings settings) {
        this(settings.name(), settings.option(ESPEAK_OPTION, LocalEngines.ESPEAK),
                settings.option(SOX_OPTION, LocalEngines.SOX));
    }

    /** @param espeakBinary, soxBinary names to find on the PATH, or paths */
    public EspeakSpeechProvider(String name, String espeakBinary, String soxBinary) {
        this.name = name;
        this.espeakBinary = espeakBinary;
        this.soxBinary = soxBinary;
        this.voices = new EspeakVoices(this::listVoices);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SpeechAudio speak(ModalityCall<SpeechRequest> call) throws ProviderException {
        SpeechRequest request = call.request();
        String text = request.input();
        if (text == null || text.isBlank()) {
            throw badRequest("input is empty: there is nothing to say", "input");
        }
        SpeechFormat format = SpeechFormat.forRequest(request.format());
        if (format == null) {
            throw badRequest("response_format " + request.format() + " is not supported by the local speech engine; "
                    + "use one of: " + formatsThatWork(), "response_format");
        }
        int wordsPerMinute = wordsPerMinute(request.speed());
        if (!LocalEngines.installed(espeakBinary)) {
            throw new ProviderException(Kind.UNAVAILABLE, ESPEAK_MISSING);
        }
        if (format.soxType() != null) {
            requireSoxCanWrite(format);
        }
        List<LocalProcess> pipeline = start(espeakCommand(voices.resolve(request.voice()), wordsPerMinute), format);
        feed(pipeline.getFirst(), text);
        ProcessAudioStream audio = new ProcessAudioStream(pipeline, call.timeout());
        try {
            InputStream body = format == SpeechFormat.PCM ? pcmSamples(audio) : afterFirstBytes(audio);
            return new SpeechAudio(format.contentType(), format.wireName(), body, text.length());
        } catch (ProcessAudioStream.Failure e) {
            closeQuietly(audio);
            throw new ProviderException(e.kind(), e.getMessage());
        } catch (IOException e) {
            closeQuietly(audio);
            throw new ProviderException(Kind.UNAVAILABLE, "espeak-ng produced no usable audio: " + e.getMessage());
        }
    }

    /**
     * espeak's rate for an OpenAI speed (0.25..4, 1 = normal; 0 means not given). Kept within the rates espeak
     * supports, so the extremes of the range sound alike.
     */
    static int wordsPerMinute(double speed) throws ProviderException {
        double s = speed == 0 || Double.isNaN(speed) ? 1 : speed;
        if (s < 0.25 || s > 4) {
            throw badRequest("speed must be between 0.25 and 4, not " + speed, "speed");
        }
        long wpm = Math.round(NORMAL_WORDS_PER_MINUTE * s);
        return (int) Math.clamp(wpm, MIN_WORDS_PER_MINUTE, MAX_WORDS_PER_MINUTE);
    }

    private List<String> espeakCommand(String voice, int wordsPerMinute) {
        // -b 1: the text on stdin is UTF-8; --stdout: WAV on stdout, streamed as it is synthesised.
        return List.of(espeakBinary, "-v", voice, "-s", Integer.toString(wordsPerMinute), "-b", "1",
                "--stdin", "--stdout");
    }

    private List<LocalProcess> start(List<String> espeak, SpeechFormat format) throws ProviderException {
        List<ProcessBuilder> builders = new ArrayList<>();
        builders.add(new ProcessBuilder(espeak));
        if (format.soxType() != null) {
            builders.add(new ProcessBuilder(soxBinary, "-t", "wav", "-", "-t", format.soxType(), "-"));
        }
        try {
            return LocalProcess.startPipeline(builders);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, "could not start espeak-ng: " + e.getMessage(), 0, null,
                    null, e);
        }
    }

    /**
     * Writes the text to espeak on its own thread: espeak may start writing audio before it has read all of a long
     * text, and nobody reads that audio until this method has returned.
     */
    private static void feed(LocalProcess espeak, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        Thread.ofVirtual().name("espeak-stdin").start(() -> {
            try (OutputStream stdin = espeak.stdin()) {
                stdin.write(utf8);
            } catch (IOException e) {
                // espeak died before reading it all; its exit status tells the reader why.
            }
        });
    }

    /** Waits for the first audio (or the engine's failure), then hands back the stream with those bytes first. */
    private static InputStream afterFirstBytes(ProcessAudioStream audio) throws IOException {
        byte[] first = new byte[FIRST_READ_BYTES];
        int n = audio.read(first);
        if (n < 0) {
            throw new IOException("it wrote nothing");
        }
        return new SequenceInputStream(new ByteArrayInputStream(first, 0, n), audio);
    }

    /** The samples after espeak's WAV header, at the 24 kHz OpenAI's pcm promises. */
    private static InputStream pcmSamples(ProcessAudioStream audio) throws IOException {
        WavHeader header = WavHeader.read(audio);
        if (!header.isPcm16Mono()) {
            throw new IOException("expected 16-bit mono PCM, got " + header);
        }
        InputStream samples = header.samples(audio);
        return header.sampleRate() == SpeechFormat.PCM_SAMPLE_RATE ? samples
                : new PcmResampler(samples, header.sampleRate(), SpeechFormat.PCM_SAMPLE_RATE);
    }

    private void requireSoxCanWrite(SpeechFormat format) throws ProviderException {
        if (!LocalEngines.installed(soxBinary)) {
            throw new ProviderException(Kind.UNAVAILABLE, SOX_MISSING);
        }
        if (LocalEngines.soxFileTypes(soxBinary).contains(format.soxType())) {
            return;
        }
        if (format == SpeechFormat.MP3) {
            throw new ProviderException(Kind.UNAVAILABLE, MP3_MISSING);
        }
        throw badRequest("response_format " + format.wireName() + " is not supported by the local speech engine "
                + "(this machine's sox cannot write it); use one of: " + formatsThatWork(), "response_format");
    }

    /** The formats this machine can make right now, for error messages. */
    private String formatsThatWork() {
        Set<String> soxTypes = LocalEngines.installed(soxBinary) ? LocalEngines.soxFileTypes(soxBinary) : Set.of();
        StringJoiner list = new StringJoiner(", ");
        for (SpeechFormat f : SpeechFormat.values()) {
            if (f.soxType() == null || soxTypes.contains(f.soxType())) {
                list.add(f.wireName());
            }
        }
        return list.toString();
    }

    private Set<String> listVoices() {
        String listing = LocalEngines.outputOf(List.of(espeakBinary, "--voices"), null);
        return listing == null ? Set.of() : EspeakVoices.parseList(listing);
    }

    private static ProviderException badRequest(String message, String param) {
        return new ProviderException(Kind.BAD_REQUEST, message, 0, null, param, null);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Closing kills the engine; there is nothing more to learn from a failure here.
        }
    }
}
