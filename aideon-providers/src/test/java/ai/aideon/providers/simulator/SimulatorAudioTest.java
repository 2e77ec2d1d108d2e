package ai.aideon.providers.simulator;

import ai.aideon.core.api.SpeechAudio;
import ai.aideon.core.api.SpeechRequest;
import ai.aideon.core.api.Transcription;
import ai.aideon.core.api.TranscriptionRequest;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.TestCalls;
import ai.aideon.providers.local.LocalEngines;
import ai.aideon.providers.local.WavHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(20)
class SimulatorAudioTest {
    private static final String NO_SOX = "/nonexistent/sox";

    private static SimulatorProvider simulator() {
        return new SimulatorProvider(SimulatorSettings.instant("sim", 7), Pause.none());
    }

    private static ModalityCall<SpeechRequest> speech(String text, String format, double speed) {
        return TestCalls.speechCall("cartesia/sonic", text, "alloy", format, speed);
    }

    private static ModalityCall<TranscriptionRequest> transcription(byte[] audio, String language,
                                                                    boolean translate) {
        return TestCalls.transcriptionCall("openai/whisper-large-v3", audio, language, translate);
    }

    private static byte[] bytes(SpeechAudio audio) throws Exception {
        try (var in = audio.audio()) {
            return in.readAllBytes();
        }
    }

    @Test
    void wavIs24kHzMonoAndAsLongAsTheTextTakesToSay() throws Exception {
        String text = "Hello from the simulated speech engine"; // 38 characters: 2.28 s
        SpeechAudio audio = simulator().speak(speech(text, "wav", 1));
        byte[] wav = bytes(audio);

        WavHeader header = WavHeader.read(new ByteArrayInputStream(wav));
        assertThat(header.isPcm16Mono()).isTrue();
        assertThat(header.sampleRate()).isEqualTo(24_000);
        assertThat(header.seconds(header.dataLength())).isCloseTo(2.28, org.assertj.core.data.Offset.offset(0.01));
        assertThat(wav.length).isEqualTo(WavHeader.CANONICAL_BYTES + header.dataLength());
        assertThat(audio.contentType()).isEqualTo("audio/wav");
        assertThat(audio.format()).isEqualTo("wav");
        assertThat(audio.characters()).isEqualTo(text.length());
    }

    @Test
    void sameTextSameSoundDifferentTextDifferentSound() throws Exception {
        byte[] a = bytes(simulator().speak(speech("one two three", "pcm", 1)));
        byte[] b = bytes(simulator().speak(speech("one two three", "pcm", 1)));
        byte[] c = bytes(simulator().speak(speech("one two thre3", "pcm", 1)));
        assertThat(a).isEqualTo(b);
        assertThat(c).hasSameSizeAs(a).isNotEqualTo(a);
    }

    @Test
    void pcmIsTheWavSamplesWithoutHeaderAndQuiet() throws Exception {
        byte[] pcm = bytes(simulator().speak(speech("quiet please", "pcm", 1)));
        byte[] wav = bytes(simulator().speak(speech("quiet please", "wav", 1)));
        assertThat(Arrays.copyOfRange(wav, WavHeader.CANONICAL_BYTES, wav.length)).isEqualTo(pcm);
        int loudest = 0;
        for (int i = 0; i < pcm.length; i += 2) {
            loudest = Math.max(loudest, Math.abs((short) ((pcm[i] & 0xff) | pcm[i + 1] << 8)));
        }
        assertThat(loudest).isBetween(1000, Short.MAX_VALUE / 8);
    }

    @Test
    void speedShortensAndLengthIsCapped() throws Exception {
        int normal = bytes(simulator().speak(speech("a".repeat(50), "pcm", 1))).length;
        int fast = bytes(simulator().speak(speech("a".repeat(50), "pcm", 2))).length;
        int huge = bytes(simulator().speak(speech("a".repeat(4000), "pcm", 1))).length;
        assertThat(fast).isEqualTo(normal / 2);
        assertThat(huge).isEqualTo(30 * 24_000 * 2);
    }

    @Test
    void mp3AndFlacComeFromSoxWhenItCanWriteThem() throws Exception {
        assumeTrue(LocalEngines.soxFileTypes(LocalEngines.SOX).containsAll(Set.of("mp3", "flac")), "sox with mp3");
        SpeechAudio mp3 = simulator().speak(speech("encoded speech", "mp3", 1));
        byte[] mp3Bytes = bytes(mp3);
        assertThat(mp3.contentType()).isEqualTo("audio/mpeg");
        // An ID3 tag or an MPEG frame sync.
        assertThat(mp3Bytes[0] == 'I' && mp3Bytes[1] == 'D' || (mp3Bytes[0] & 0xff) == 0xff).isTrue();

        SpeechAudio defaulted = simulator().speak(speech("encoded speech", null, 1));
        assertThat(defaulted.format()).isEqualTo("mp3");

        byte[] flac = bytes(simulator().speak(speech("encoded speech", "flac", 1)));
        assertThat(new String(flac, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("fLaC");
    }

    @Test
    void withoutSoxMp3IsABadRequestNamingWhatWorks() {
        SimulatorProvider noSox = new SimulatorProvider(SimulatorSettings.instant("sim", 7), Pause.none(), NO_SOX);
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> noSox.speak(speech("hi", "mp3", 1)));
        assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(e.param()).contains("response_format");
        assertThat(e.getMessage()).contains("use one of: wav, pcm");
    }

    @Test
    void opusAndNonsenseAreBadRequests() {
        for (String format : new String[] {"opus", "aac"}) {
            ProviderException e = catchThrowableOfType(ProviderException.class,
                    () -> simulator().speak(speech("hi", format, 1)));
            assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
            assertThat(e.getMessage()).contains(format).contains("wav, pcm");
        }
        ProviderException speed = catchThrowableOfType(ProviderException.class,
                () -> simulator().speak(speech("hi", "wav", 5)));
        assertThat(speed.param()).contains("speed");
        ProviderException empty = catchThrowableOfType(ProviderException.class,
                () -> simulator().speak(speech(" ", "wav", 1)));
        assertThat(empty.param()).contains("input");
    }

    @Test
    void speechFailsLikeChatWhenDownOverloadedOrSlow() {
        SimulatorProvider down = simulator();
        down.setDown(true);
        assertThat(catchThrowableOfType(ProviderException.class, () -> down.speak(speech("hi", "wav", 1))).kind())
                .isEqualTo(Kind.UNAVAILABLE);

        SimulatorProvider overloaded = new SimulatorProvider(new SimulatorSettings("sim", 1, Duration.ZERO,
                Duration.ZERO, Map.of(SimulatorSettings.ANY_MODEL,
                new SimulatorSettings.ModelBehaviour(1, 0, Duration.ZERO))), Pause.none());
        ProviderException busy = catchThrowableOfType(ProviderException.class,
                () -> overloaded.speak(speech("hi", "wav", 1)));
        assertThat(busy.kind()).isEqualTo(Kind.OVERLOADED);
        assertThat(busy.upstreamStatus()).isEqualTo(503);

        SimulatorProvider slow = new SimulatorProvider(new SimulatorSettings("sim", 1, Duration.ofSeconds(60),
                Duration.ZERO, Map.of()), Pause.none());
        assertThat(catchThrowableOfType(ProviderException.class, () -> slow.transcribe(
                transcription(new byte[100], null, false))).kind()).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void transcriptionOfAWavNamesItsExactLength() throws Exception {
        byte[] wav = bytes(simulator().speak(speech("x".repeat(40), "wav", 1))); // 2.4 s
        Transcription t = simulator().transcribe(transcription(wav, null, false));
        assertThat(t.text()).startsWith("simulated transcription of 2.4 seconds of audio");
        assertThat(t.durationSeconds()).isEqualTo(2.4);
        assertThat(t.language()).isEqualTo("en");
        assertThat(t.segments()).singleElement().satisfies(s -> {
            assertThat(s.start()).isZero();
            assertThat(s.end()).isEqualTo(2.4);
            assertThat(s.text()).isEqualTo(t.text());
        });
        assertThat(simulator().transcribe(transcription(wav, null, false))).isEqualTo(t);
    }

    @Test
    void otherUploadsAreGuessedFromTheirSizeAndDifferentClipsReadDifferently() throws Exception {
        byte[] mp3ish = new byte[32_000];
        mp3ish[0] = (byte) 0xff;
        byte[] other = mp3ish.clone();
        other[100] = 1;
        Transcription t = simulator().transcribe(transcription(mp3ish, "de", false));
        assertThat(t.durationSeconds()).isEqualTo(2.0);
        assertThat(t.language()).isEqualTo("de");
        assertThat(simulator().transcribe(transcription(other, "de", false)).text()).isNotEqualTo(t.text());
        assertThat(simulator().transcribe(transcription(mp3ish, "de", true)).language()).isEqualTo("en");
    }

    @Test
    void emptyUploadIsABadRequestAndDownIsUnavailable() {
        ProviderException empty = catchThrowableOfType(ProviderException.class,
                () -> simulator().transcribe(transcription(new byte[0], null, false)));
        assertThat(empty.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(empty.param()).contains("file");

        SimulatorProvider down = simulator();
        down.setDown(true);
        assertThat(catchThrowableOfType(ProviderException.class,
                () -> down.transcribe(transcription(new byte[10], null, false))).kind()).isEqualTo(Kind.UNAVAILABLE);
    }
}
