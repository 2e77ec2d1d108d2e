package ai.aideon.providers.local;

import ai.aideon.core.api.Transcription;
import ai.aideon.core.api.TranscriptionRequest;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.core.provider.TranscriptionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * English speech to text with pocketsphinx, on this machine. The upload is written to a scratch directory, converted
 * by sox to the 16 kHz mono 16-bit WAV pocketsphinx needs (so anything sox reads works: wav, flac, ogg, and mp3 with
 * libsox-fmt-mp3), then transcribed; the directory is always removed. Accuracy is far below a cloud model's: this
 * is the engine for when there is no network.
 */
public final class PocketsphinxTranscriptionProvider implements TranscriptionProvider {
    static final String PACKAGES = "apt-get install pocketsphinx pocketsphinx-en-us sox";
    static final String ENGLISH_ONLY = "the local engine transcribes English only; use a cloud model";

    /** File types the upload is recognised as by its first bytes; more reliable than the client's file name. */
    private static final List<Magic> MAGIC = List.of(
            new Magic("RIFF", "wav"), new Magic("fLaC", "flac"), new Magic("OggS", "ogg"), new Magic("ID3", "mp3"));
    /** Extensions a file name may give that mean a type sox knows under another name. */
    private static final Set<String> MP3_NAMES = Set.of("mp3", "mpga", "mpeg");

    private final String name;
    private final String soxBinary;
    private final PocketsphinxCli recognizer;

    /** Uses sox from the PATH and whichever pocketsphinx command line is installed. */
    public PocketsphinxTranscriptionProvider(String name) {
        this(name, LocalEngines.SOX, null);
    }

    /**
     * @param soxBinary  a name to find on the PATH, or a path
     * @param recognizer the pocketsphinx command line to use; null to detect it at the first call
     */
    public PocketsphinxTranscriptionProvider(String name, String soxBinary, PocketsphinxCli recognizer) {
        this.name = name;
        this.soxBinary = soxBinary;
        this.recognizer = recognizer;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Transcription transcribe(ModalityCall<TranscriptionRequest> call) throws ProviderException {
        TranscriptionRequest request = call.request();
        // The acoustic model and dictionary are English; translating English to English is transcribing.
        if (!isEnglish(request.language())) {
            throw new ProviderException(Kind.BAD_REQUEST, ENGLISH_ONLY, 0, null, "language", null);
        }
        if (request.audio() == null || request.audio().length == 0) {
            throw new ProviderException(Kind.BAD_REQUEST, "the uploaded audio file is empty", 0, null, "file", null);
        }
        PocketsphinxCli cli = recognizer != null ? recognizer : PocketsphinxCli.detect().orElseThrow(
                () -> new ProviderException(Kind.UNAVAILABLE, "pocketsphinx is not installed: " + PACKAGES));
        if (!LocalEngines.installed(cli.binary())) {
            throw new ProviderException(Kind.UNAVAILABLE, cli.binary() + " is not installed: " + PACKAGES);
        }
        if (!LocalEngines.installed(soxBinary)) {
            throw new ProviderException(Kind.UNAVAILABLE, "sox is not installed: " + PACKAGES);
        }
        long deadline = deadline(call.timeout());
        Path dir = null;
        try {
            dir = Files.createTempDirectory("aideon-stt-");
            String type = uploadType(request.audio(), request.filename());
            Path upload = dir.resolve(type == null ? "upload" : "upload." + type);
            Files.write(upload, request.audio());
            Path wav = dir.resolve("speech-16k.wav");
            convert(upload, type, wav, deadline, call.timeout());
            double seconds = durationSeconds(wav);
            List<Transcription.Segment> segments = recognise(cli, wav, dir, deadline, call.timeout());
            String text = segments.stream().map(Transcription.Segment::text).collect(Collectors.joining(" "));
            return new Transcription(text, "en", seconds, segments);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, "local transcription failed: " + e.getMessage(), 0, null,
                    null, e);
        } finally {
            TempFiles.deleteQuietly(dir);
        }
    }

    /** No language given, or an English one ({@code en}, {@code en-US}, {@code english}). */
    static boolean isEnglish(String language) {
        if (language == null || language.isBlank()) {
            return true;
        }
        String l = language.trim().toLowerCase(Locale.ROOT);
        return l.equals("en") || l.startsWith("en-") || l.startsWith("en_") || l.equals("english");
    }

    /** sox's name for the upload's type, from its first bytes, else its file name; null when neither tells. */
    static String uploadType(byte[] audio, String filename) {
        for (Magic m : MAGIC) {
            if (m.matches(audio)) {
                return m.type;
            }
        }
        if (audio.length >= 2 && (audio[0] & 0xff) == 0xff && (audio[1] & 0xe0) == 0xe0) {
            return "mp3"; // an MPEG audio frame sync with no ID3 tag in front
        }
        if (filename == null) {
            return null;
        }
        int dot = filename.lastIndexOf('.');
        String ext = dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (MP3_NAMES.contains(ext)) {
            return "mp3";
        }
        // Only plain short extensions reach sox's command line as part of our own file name.
        return ext.matches("[a-z0-9]{1,5}") ? ext : null;
    }

    private void convert(Path upload, String type, Path wav, long deadline, Duration timeout)
            throws ProviderException, IOException {
        // -R: repeatable. sox dithers when it resamples to 16 bits, seeding from the clock, and on marginal speech
        // that noise alone changes what pocketsphinx hears. Dither still helps it (on 20 espeak sentences: 20/122
        // words without, 23-27/122 with), so it stays, with a fixed seed: the same upload gives the same text.
        LocalProcess.Completed done = run(List.of(soxBinary, "-R", upload.toString(), "-t", "wav", "-r", "16000", "-c",
                "1", "-b", "16", "-e", "signed-integer", wav.toString()), upload.getParent(), deadline, timeout);
        if (done.exitCode() == 0) {
            return;
        }
        if ("mp3".equals(type) && !LocalEngines.soxFileTypes(soxBinary).contains("mp3")) {
            throw new ProviderException(Kind.UNAVAILABLE, "sox cannot read mp3 without its MP3 plug-in: "
                    + "apt-get install libsox-fmt-mp3");
        }
        throw new ProviderException(Kind.BAD_REQUEST, "the uploaded audio could not be decoded"
                + (type == null ? "" : " as " + type) + " by the local engine (sox: " + done.stderr() + ")", 0,
                null, "file", null);
    }

    private List<Transcription.Segment> recognise(PocketsphinxCli cli, Path wav, Path dir, long deadline,
                                                  Duration timeout) throws ProviderException, IOException {
        LocalProcess.Completed done = run(cli.command(wav), dir, deadline, timeout);
        if (done.exitCode() != 0) {
            throw new ProviderException(Kind.UNAVAILABLE, cli.binary() + " failed (exit " + done.exitCode() + ")"
                    + (done.stderr().isEmpty() ? "" : ": " + done.stderr()));
        }
        return cli.segments(new String(done.stdout(), StandardCharsets.UTF_8));
    }

    /** Runs one step to its end within what is left of the call's time; past that it is killed: TIMEOUT. */
    private static LocalProcess.Completed run(List<String> command, Path dir, long deadline, Duration timeout)
            throws ProviderException, IOException {
        LocalProcess process = LocalProcess.start(new ProcessBuilder(command).directory(dir.toFile()));
        try {
            LocalProcess.Completed done = process.collect(Math.max(0, deadline - System.nanoTime()));
            if (done == null) {
                throw new ProviderException(Kind.TIMEOUT, "local transcription took longer than " + timeout.toMillis()
                        + " ms; " + process.program() + " was killed");
            }
            return done;
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.UNAVAILABLE, "interrupted while " + process.program() + " ran");
        }
    }

    /** How long the converted audio plays, from its header and its real size (a header may overstate it). */
    private static double durationSeconds(Path wav) throws IOException {
        WavHeader header;
        try (InputStream in = Files.newInputStream(wav)) {
            header = WavHeader.read(in);
        }
        long present = Files.size(wav) - header.dataOffset();
        long data = header.dataLength() < 0 ? present : Math.min(header.dataLength(), present);
        return header.seconds(Math.max(0, data));
    }

    private static long deadline(Duration timeout) {
        // Without a timeout the call may take as long as it takes; a century is "for ever" without overflow.
        long nanos = timeout == null ? Duration.ofDays(36_500).toNanos() : timeout.toNanos();
        return System.nanoTime() + nanos;
    }

    private record Magic(String prefix, String type) {
        boolean matches(byte[] audio) {
            byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
            if (audio.length < p.length) {
                return false;
            }
            for (int i = 0; i < p.length; i++) {
                if (audio[i] != p[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
