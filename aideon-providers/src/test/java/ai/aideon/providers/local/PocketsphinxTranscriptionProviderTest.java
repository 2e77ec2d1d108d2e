package ai.aideon.providers.local;

import ai.aideon.core.api.Transcription;
import ai.aideon.core.api.TranscriptionRequest;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.TestCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PocketsphinxTranscriptionProviderTest {
    /** Simple sentences of everyday words; not tuned to what pocketsphinx happens to get right. */
    private static final List<String> PHRASES = List.of(
            "please open the door",
            "the cat is sleeping on the chair",
            "i would like a cup of coffee",
            "we are going to the park tomorrow",
            "my brother works in a hospital");

    private final PocketsphinxTranscriptionProvider pocketsphinx = new PocketsphinxTranscriptionProvider("local-stt");

    @Test
    void roundTripHearsHelloWorld() throws Exception {
        requireEngines();
        byte[] wav = Speech.wav("hello world, the weather is nice today");

        Transcription t = pocketsphinx.transcribe(call(wav, "speech.wav", null, false));
        System.out.println("round trip: \"hello world, the weather is nice today\" -> \"" + t.text() + "\"");

        assertThat(t.text()).contains("hello world");
        assertThat(t.language()).isEqualTo("en");
        assertThat(t.text()).isEqualTo(t.text().toLowerCase());
        assertThat(t.segments()).isNotEmpty();
        assertThat(t.segments().getFirst().text()).startsWith("hello world");
        // espeak's header gives no length; the duration comes from the samples themselves.
        double spoken = (wav.length - WavHeader.CANONICAL_BYTES) / 44_100.0;
        assertThat(t.durationSeconds()).isCloseTo(spoken, within(0.05));
    }

    @Test
    void wordAccuracyOnSimplePhrases() throws Exception {
        requireEngines();
        int spoken = 0;
        int recognised = 0;
        StringBuilder report = new StringBuilder("pocketsphinx word accuracy on espeak-ng en-us+m3 at 140 wpm:\n");
        for (String phrase : PHRASES) {
            String heard = pocketsphinx.transcribe(call(Speech.wav(phrase), "phrase.wav", "en", false)).text();
            int words = phrase.split(" ").length;
            int hits = wordsRecognised(phrase, heard);
            spoken += words;
            recognised += hits;
            report.append(String.format("  %d/%d  \"%s\" -> \"%s\"%n", hits, words, phrase, heard));
        }
        report.append(String.format("  total %d/%d = %.0f%%", recognised, spoken, 100.0 * recognised / spoken));
        System.out.println(report);
        // A floor well below what bookworm's pocketsphinx 0.8 scores, to catch a broken pipeline (wrong sample
        // rate, truncated audio), not to grade the engine.
        assertThat(recognised).as(report.toString()).isGreaterThanOrEqualTo(spoken / 5);
    }

    @Test
    void mp3UploadsAreConverted() throws Exception {
        requireEngines();
        RequiredEngines.soxMp3();
        String sentence = "hello world, the weather is nice today";
        byte[] wav = Speech.wav(sentence);
        byte[] mp3 = Speech.bytes(Speech.speak(new EspeakSpeechProvider("local-tts"), sentence, "alloy", "mp3", 1.0));

        Transcription t = pocketsphinx.transcribe(call(mp3, "blob", null, false));

        // Recognised by its bytes despite the name. What pocketsphinx makes of the lossy copy is not the point
        // here (it hears "all world but ..." where the WAV gives "hello world ..."); that it decoded all of it is.
        double spoken = (wav.length - WavHeader.CANONICAL_BYTES) / 44_100.0;
        assertThat(t.durationSeconds()).isCloseTo(spoken, within(0.15));
        assertThat(t.text()).isNotBlank();
    }

    @Test
    void translatingEnglishIsTranscribing() throws Exception {
        requireEngines();
        byte[] wav = Speech.wav("hello world, the weather is nice today");

        Transcription plain = pocketsphinx.transcribe(call(wav, "a.wav", "en", false));
        Transcription translated = pocketsphinx.transcribe(call(wav, "a.wav", null, true));

        assertThat(translated.text()).isEqualTo(plain.text());
        assertThat(translated.language()).isEqualTo("en");
    }

    @Test
    void otherLanguagesAreBadRequests() {
        for (String language : List.of("de", "fr", "es-ES")) {
            for (boolean translate : List.of(false, true)) {
                assertThatThrownBy(() -> pocketsphinx.transcribe(call(new byte[] {1}, "a.wav", language, translate)))
                        .isInstanceOfSatisfying(ProviderException.class, e -> {
                            assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
                            assertThat(e.getMessage())
                                    .isEqualTo("the local engine transcribes English only; use a cloud model");
                            assertThat(e.param()).contains("language");
                        });
            }
        }
        assertThat(PocketsphinxTranscriptionProvider.isEnglish("en-US")).isTrue();
        assertThat(PocketsphinxTranscriptionProvider.isEnglish("EN")).isTrue();
        assertThat(PocketsphinxTranscriptionProvider.isEnglish(null)).isTrue();
        assertThat(PocketsphinxTranscriptionProvider.isEnglish("eng")).isFalse();
    }

    @Test
    void missingProgramsAreUnavailableNamingThePackages() {
        PocketsphinxTranscriptionProvider noRecognizer = new PocketsphinxTranscriptionProvider("local-stt", "sox",
                PocketsphinxCli.continuous("/nonexistent/pocketsphinx_continuous"));
        PocketsphinxTranscriptionProvider noSox = new PocketsphinxTranscriptionProvider("local-stt",
                "/nonexistent/sox", PocketsphinxCli.single("/nonexistent/pocketsphinx"));
        for (PocketsphinxTranscriptionProvider p : List.of(noRecognizer, noSox)) {
            assertThatThrownBy(() -> p.transcribe(call(new byte[] {1, 2}, "a.wav", null, false)))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                        assertThat(e.getMessage())
                                .endsWith("is not installed: apt-get install pocketsphinx pocketsphinx-en-us sox");
                    });
        }
    }

    @Test
    void undecodableUploadIsBadRequestAndLeavesNoFiles() throws Exception {
        requireEngines();
        List<Path> before = scratchDirs();
        byte[] notAudio = "this is a text file, not a recording".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> pocketsphinx.transcribe(call(notAudio, "speech.wav", null, false)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
                    assertThat(e.param()).contains("file");
                    assertThat(e.getMessage()).contains("could not be decoded as wav");
                });
        assertThat(scratchDirs()).isEqualTo(before);
    }

    @Test
    void emptyUploadIsBadRequest() {
        assertThatThrownBy(() -> pocketsphinx.transcribe(call(new byte[0], "a.wav", null, false)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST));
    }

    @Test
    void recognizerFailureIsUnavailableWithItsStderr(@TempDir Path dir) throws Exception {
        RequiredEngines.sox();
        Path broken = FakeEngines.failing(dir, "FATAL: \"acmod.c\", line 83: Acoustic model definition is not specified");
        PocketsphinxTranscriptionProvider provider = new PocketsphinxTranscriptionProvider("local-stt", "sox",
                PocketsphinxCli.continuous(broken.toString()));

        assertThatThrownBy(() -> provider.transcribe(call(silence(), "a.wav", null, false)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("exit 3").contains("Acoustic model definition");
                });
    }

    @Test
    void slowRecognizerTimesOutIsKilledAndLeavesNoFiles(@TempDir Path dir) throws Exception {
        RequiredEngines.sox();
        List<Path> before = scratchDirs();
        Path pidFile = dir.resolve("pid");
        PocketsphinxTranscriptionProvider provider = new PocketsphinxTranscriptionProvider("local-stt", "sox",
                PocketsphinxCli.continuous(FakeEngines.hanging(dir, pidFile).toString()));
        ModalityCall<TranscriptionRequest> call = new ModalityCall<>(new TranscriptionRequest("stt-local", silence(),
                "a.wav", null, null, null, false), TestCalls.model("pocketsphinx"), Duration.ofMillis(1500));

        long started = System.nanoTime();
        assertThatThrownBy(() -> provider.transcribe(call))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
        assertThat(FakeEngines.diesSoon(FakeEngines.pid(pidFile))).as("the recognizer was killed").isTrue();
        assertThat(scratchDirs()).isEqualTo(before);
    }

    @Test
    void uploadTypeComesFromTheBytesBeforeTheName() {
        assertThat(PocketsphinxTranscriptionProvider.uploadType("RIFF....".getBytes(), "x.mp3")).isEqualTo("wav");
        assertThat(PocketsphinxTranscriptionProvider.uploadType(new byte[] {(byte) 0xff, (byte) 0xf3, 0}, null))
                .isEqualTo("mp3");
        assertThat(PocketsphinxTranscriptionProvider.uploadType(new byte[] {0, 0}, "voice.MPGA")).isEqualTo("mp3");
        assertThat(PocketsphinxTranscriptionProvider.uploadType(new byte[] {0, 0}, "a.b/../../etc")).isNull();
        assertThat(PocketsphinxTranscriptionProvider.uploadType(new byte[] {0, 0}, "noextension")).isNull();
    }

    private static void requireEngines() {
        RequiredEngines.espeak();
        RequiredEngines.sox();
        RequiredEngines.pocketsphinx();
    }

    private static ModalityCall<TranscriptionRequest> call(byte[] audio, String filename, String language,
                                                           boolean translate) {
        return new ModalityCall<>(new TranscriptionRequest("stt-local", audio, filename, language, null, null,
                translate), TestCalls.model("pocketsphinx"), Duration.ofSeconds(20));
    }

    /** A second of 16 kHz silence as WAV. */
    private static byte[] silence() {
        byte[] header = WavHeader.pcm16Mono(16_000, 32_000);
        return Arrays.copyOf(header, header.length + 32_000);
    }

    /** Each spoken word counts once for each time it was heard, in any order (a bag-of-words match). */
    static int wordsRecognised(String spoken, String heard) {
        List<String> left = new ArrayList<>(Arrays.asList(heard.split("\\s+")));
        int hits = 0;
        for (String word : spoken.split("\\s+")) {
            if (left.remove(word)) {
                hits++;
            }
        }
        return hits;
    }

    private static List<Path> scratchDirs() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("aideon-stt-")).sorted().toList();
        }
    }
}
