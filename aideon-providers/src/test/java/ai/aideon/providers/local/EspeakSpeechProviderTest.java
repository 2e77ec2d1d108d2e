package ai.aideon.providers.local;

import ai.aideon.core.api.SpeechAudio;
import ai.aideon.core.api.SpeechRequest;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.core.api.Source;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.TestCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EspeakSpeechProviderTest {
    private static final String SENTENCE = "hello world, the weather is nice today";

    private final EspeakSpeechProvider espeak = new EspeakSpeechProvider("local-tts");

    @Test
    void wavIsRiffWaveWithSamples() throws Exception {
        RequiredEngines.espeak();
        SpeechAudio audio = Speech.speak(espeak, SENTENCE, "alloy", "wav", 1.0);
        byte[] bytes = Speech.bytes(audio);

        WavHeader header = WavHeader.read(new ByteArrayInputStream(bytes));
        assertThat(audio.contentType()).isEqualTo("audio/wav");
        assertThat(audio.format()).isEqualTo("wav");
        assertThat(header.isPcm16Mono()).isTrue();
        assertThat(header.sampleRate()).isEqualTo(22_050);
        assertThat(header.seconds(bytes.length - header.dataOffset())).isBetween(1.5, 6.0);
        assertThat(audio.characters()).isEqualTo(SENTENCE.length());
    }

    @Test
    void mp3StartsWithFrameSyncOrId3() throws Exception {
        RequiredEngines.espeak();
        RequiredEngines.soxMp3();
        SpeechAudio audio = Speech.speak(espeak, SENTENCE, "nova", "mp3", 1.0);
        byte[] bytes = Speech.bytes(audio);

        assertThat(audio.contentType()).isEqualTo("audio/mpeg");
        assertThat(bytes.length).isGreaterThan(1000);
        boolean id3 = bytes[0] == 'I' && bytes[1] == 'D' && bytes[2] == '3';
        boolean frameSync = (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xe0) == 0xe0;
        assertThat(id3 || frameSync).as("mp3 begins with an ID3 tag or an MPEG frame sync").isTrue();
    }

    @Test
    void noFormatMeansMp3LikeOpenAi() throws Exception {
        RequiredEngines.espeak();
        RequiredEngines.soxMp3();
        assertThat(Speech.speak(espeak, "hello", "alloy", null, 1.0).contentType()).isEqualTo("audio/mpeg");
    }

    @Test
    void flacStartsWithItsMarker() throws Exception {
        RequiredEngines.espeak();
        RequiredEngines.sox();
        SpeechAudio audio = Speech.speak(espeak, SENTENCE, "echo", "flac", 1.0);
        byte[] bytes = Speech.bytes(audio);

        assertThat(audio.contentType()).isEqualTo("audio/flac");
        assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("fLaC");
    }

    @Test
    void pcmIsHeaderlessSamplesAt24kHz() throws Exception {
        RequiredEngines.espeak();
        byte[] wav = Speech.bytes(Speech.speak(espeak, SENTENCE, "alloy", "wav", 1.0));
        SpeechAudio audio = Speech.speak(espeak, SENTENCE, "alloy", "pcm", 1.0);
        byte[] pcm = Speech.bytes(audio);

        assertThat(audio.contentType()).isEqualTo("audio/pcm");
        assertThat(new String(pcm, 0, 4, StandardCharsets.US_ASCII)).isNotEqualTo("RIFF");
        assertThat(pcm.length % 2).isZero();
        // espeak speaks at 22050 Hz; the same speech at 24000 Hz has proportionally more samples.
        double expected = (wav.length - WavHeader.CANONICAL_BYTES) * 24_000.0 / 22_050.0;
        assertThat((double) pcm.length).isCloseTo(expected, within(expected * 0.01));
    }

    @Test
    void fasterSpeechIsShorter() throws Exception {
        RequiredEngines.espeak();
        int slow = Speech.bytes(Speech.speak(espeak, SENTENCE, "alloy", "wav", 0.6)).length;
        int normal = Speech.bytes(Speech.speak(espeak, SENTENCE, "alloy", "wav", 1.0)).length;
        int fast = Speech.bytes(Speech.speak(espeak, SENTENCE, "alloy", "wav", 2.0)).length;

        assertThat(slow).isGreaterThan(normal);
        assertThat(normal).isGreaterThan(fast);
        assertThat((double) slow / fast).isGreaterThan(2.0);
    }

    @Test
    void speedMapsToEspeakRateWithinItsLimits() throws Exception {
        assertThat(EspeakSpeechProvider.wordsPerMinute(1.0)).isEqualTo(140);
        assertThat(EspeakSpeechProvider.wordsPerMinute(0)).as("not given").isEqualTo(140);
        assertThat(EspeakSpeechProvider.wordsPerMinute(1.5)).isEqualTo(210);
        assertThat(EspeakSpeechProvider.wordsPerMinute(0.25)).isEqualTo(80);
        assertThat(EspeakSpeechProvider.wordsPerMinute(4)).isEqualTo(450);
        assertThatThrownBy(() -> EspeakSpeechProvider.wordsPerMinute(4.5))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
                    assertThat(e.param()).contains("speed");
                });
    }

    @Test
    void unknownFormatIsBadRequest() {
        assertThatThrownBy(() -> Speech.speak(espeak, "hello", "alloy", "aiff", 1.0))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
                    assertThat(e.param()).contains("response_format");
                    assertThat(e.getMessage()).contains("aiff").contains("wav").contains("pcm");
                });
    }

    @Test
    void opusWithoutSoxSupportIsBadRequestNamingFormatsThatWork() {
        RequiredEngines.espeak();
        RequiredEngines.sox();
        org.junit.jupiter.api.Assumptions.assumeFalse(LocalEngines.soxFileTypes(LocalEngines.SOX).contains("opus"),
                "this sox can write opus");
        assertThatThrownBy(() -> Speech.speak(espeak, "hello", "alloy", "opus", 1.0))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("opus").contains("use one of: wav, pcm");
                    assertThat(e.getMessage()).doesNotContain("opus,").doesNotEndWith("opus");
                });
    }

    @Test
    void emptyInputIsBadRequest() {
        assertThatThrownBy(() -> Speech.speak(espeak, "  ", "alloy", "wav", 1.0))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
                    assertThat(e.param()).contains("input");
                });
    }

    @Test
    void missingEspeakIsUnavailableNamingThePackage() {
        EspeakSpeechProvider absent = new EspeakSpeechProvider("local-tts", "/nonexistent/espeak-ng", "sox");
        assertThatThrownBy(() -> Speech.speak(absent, "hello", "alloy", "wav", 1.0))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).isEqualTo("espeak-ng is not installed: apt-get install espeak-ng");
                });
    }

    @Test
    void missingSoxFailsOnlyTheFormatsThatNeedIt() throws Exception {
        RequiredEngines.espeak();
        EspeakSpeechProvider noSox = new EspeakSpeechProvider("local-tts", "espeak-ng", "/nonexistent/sox");
        assertThatThrownBy(() -> Speech.speak(noSox, "hello", "alloy", "mp3", 1.0))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("apt-get install sox libsox-fmt-mp3");
                });
        assertThat(Speech.bytes(Speech.speak(noSox, "hello", "alloy", "wav", 1.0)).length).isGreaterThan(1000);
        assertThat(Speech.bytes(Speech.speak(noSox, "hello", "alloy", "pcm", 1.0)).length).isGreaterThan(1000);
    }

    @Test
    void engineFailureIsUnavailableWithItsStderr(@TempDir Path dir) throws Exception {
        Path broken = FakeEngines.failing(dir, "Error: voice data is corrupt");
        EspeakSpeechProvider provider = new EspeakSpeechProvider("local-tts", broken.toString(), "sox");
        assertThatThrownBy(() -> Speech.speak(provider, "hello", "alloy", "wav", 1.0))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).isEqualTo("failing failed (exit 3): Error: voice data is corrupt");
                });
    }

    @Test
    void theConfiguredBinaryIsTheOneThatRuns(@TempDir Path dir) throws Exception {
        Path broken = FakeEngines.failing(dir, "Error: not the espeak-ng on the PATH");
        ProviderSettings settings = new ProviderSettings("local-tts", "espeak", Source.LOCAL,
                java.net.URI.create("simulator://local-tts"), null, null,
                Map.of(EspeakSpeechProvider.ESPEAK_OPTION, broken.toString()));
        assertThatThrownBy(() -> Speech.speak(new EspeakSpeechProvider(settings), "hello", "alloy", "wav", 1.0))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.getMessage()).contains("Error: not the espeak-ng on the PATH"));
    }

    @Test
    void silentEngineTimesOutAndIsKilled(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        Path hanging = FakeEngines.hanging(dir, pidFile);
        EspeakSpeechProvider provider = new EspeakSpeechProvider("local-tts", hanging.toString(), "sox");
        ModalityCall<SpeechRequest> call = new ModalityCall<>(new SpeechRequest("tts-local", "hello", "alloy", "wav",
                1.0), TestCalls.model("espeak"), Duration.ofMillis(300));

        long started = System.nanoTime();
        assertThatThrownBy(() -> provider.speak(call))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(FakeEngines.diesSoon(FakeEngines.pid(pidFile))).as("the engine was killed").isTrue();
    }

    @Test
    void closingTheStreamEarlyStopsEspeak() throws Exception {
        RequiredEngines.espeak();
        String longText = String.join(" ", java.util.Collections.nCopies(200, SENTENCE));
        SpeechAudio audio = Speech.speak(espeak, longText, "alloy", "wav", 1.0);
        List<ProcessHandle> running = ProcessHandle.current().children()
                .filter(p -> p.info().command().orElse("").endsWith("espeak-ng")).toList();
        assertThat(running).as("espeak is still speaking while we read").isNotEmpty();

        try (InputStream in = audio.audio()) {
            assertThat(in.readNBytes(4096)).hasSize(4096);
        }
        for (ProcessHandle p : running) {
            assertThat(FakeEngines.diesSoon(p.pid())).isTrue();
        }
    }

    @Test
    void textThatLooksLikeOptionsIsSpokenNotObeyed(@TempDir Path dir) throws Exception {
        RequiredEngines.espeak();
        Path target = dir.resolve("written-by-espeak.wav");
        String text = "-w " + target + " --voices";
        byte[] wav = Speech.bytes(Speech.speak(espeak, text, "alloy", "wav", 1.0));

        assertThat(Files.exists(target)).isFalse();
        WavHeader header = WavHeader.read(new ByteArrayInputStream(wav));
        assertThat(header.seconds(wav.length - header.dataOffset())).isGreaterThan(1.0);
    }

    @Test
    void voicesChangeTheSound() throws Exception {
        RequiredEngines.espeak();
        byte[] alloy = Speech.bytes(Speech.speak(espeak, "hello there", "alloy", "wav", 1.0));
        byte[] nova = Speech.bytes(Speech.speak(espeak, "hello there", "nova", "wav", 1.0));
        byte[] unknown = Speech.bytes(Speech.speak(espeak, "hello there", "no-such-voice-anywhere", "wav", 1.0));

        assertThat(Arrays.equals(alloy, nova)).isFalse();
        assertThat(unknown).as("an unknown voice gets the default, which alloy maps to").isEqualTo(alloy);
    }
}
