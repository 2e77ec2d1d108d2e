package ai.aideon.providers.whispercpp;

import ai.aideon.core.api.Transcription;
import ai.aideon.core.api.TranscriptionRequest;
import ai.aideon.core.api.Source;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderFactory;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.Secret;
import ai.aideon.providers.TestCalls;
import ai.aideon.testkit.Fault;
import ai.aideon.testkit.FakeUpstream;
import ai.aideon.testkit.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WhisperCppProviderTest {
    FakeUpstream whisper;
    WhisperCppProvider provider;

    @BeforeEach
    void start() {
        whisper = FakeUpstream.whisperCpp().start();
        provider = (WhisperCppProvider) ProviderFactory.create(settings(Map.of()));
    }

    @AfterEach
    void stop() {
        whisper.close();
    }

    ProviderSettings settings(Map<String, String> options) {
        return new ProviderSettings("whisper", "whisper-cpp", Source.LOCAL, URI.create(whisper.baseUrl()),
                Secret.absent(), Duration.ofSeconds(2), options);
    }

    static byte[] wav(double seconds) {
        int bytes = (int) (16_000 * seconds) * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + bytes)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(16_000).putInt(32_000)
                .putShort((short) 2).putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(bytes);
        return b.array();
    }

    RecordedRequest last() {
        return whisper.requests().getLast();
    }

    @Test
    void transcribesAWavAskingForVerboseJsonAndReadsDurationLanguageAndSegments() throws Exception {
        Transcription t = provider.transcribe(TestCalls.transcriptionCall("ggml-base.en",
                new TranscriptionRequest("aideon/stt", wav(3), "clip.wav", null, "names: Aideon", 0.2, false)));

        assertThat(t.text()).isEqualTo("Fake transcript of 3.00 seconds of audio.");
        assertThat(t.durationSeconds()).isEqualTo(3.0);
        assertThat(t.language()).isEqualTo("en");
        assertThat(t.segments()).hasSize(1);
        assertThat(t.segments().get(0).end()).isEqualTo(3.0);

        RecordedRequest r = last();
        assertThat(r.path()).isEqualTo("/inference");
        assertThat(r.body()).contains("name=\"response_format\"\r\n\r\nverbose_json")
                .contains("name=\"temperature\"\r\n\r\n0.2").contains("name=\"prompt\"\r\n\r\nnames: Aideon")
                .as("no language: the server's own -l applies").doesNotContain("name=\"language\"")
                .doesNotContain("name=\"model\"");
    }

    @Test
    void aTranslationAsksTheServerToDetectTheLanguageAndTranslate() throws Exception {
        Transcription t = provider.transcribe(TestCalls.transcriptionCall("ggml-small", wav(1), "de", true));
        assertThat(t.language()).isEqualTo("en");
        assertThat(last().body()).contains("name=\"translate\"\r\n\r\ntrue").contains("name=\"language\"\r\n\r\nauto");
    }

    @Test
    void formatsTheServerCannotDecodeAreRefusedUpFrontUnlessItConverts() throws Exception {
        byte[] ogg = "OggS\0\2fake-vorbis".getBytes(StandardCharsets.ISO_8859_1);
        int before = whisper.requestCount();
        ProviderException refused = catchThrowableOfType(ProviderException.class,
                () -> provider.transcribe(TestCalls.transcriptionCall("m", ogg, null, false)));
        assertThat(refused.kind()).isEqualTo(ProviderException.Kind.BAD_REQUEST);
        assertThat(refused.getMessage()).contains("not Ogg").contains("--convert");
        assertThat(whisper.requestCount()).isEqualTo(before);

        // With options.convert the upload is sent; this fake (like a server without ffmpeg) then refuses it itself.
        WhisperCppProvider converting = (WhisperCppProvider) ProviderFactory.create(settings(Map.of("convert", "true")));
        ProviderException upstream = catchThrowableOfType(ProviderException.class,
                () -> converting.transcribe(TestCalls.transcriptionCall("m", ogg, null, false)));
        assertThat(upstream.kind()).isEqualTo(ProviderException.Kind.BAD_REQUEST);
        assertThat(upstream.getMessage()).contains("failed to read audio data");
    }

    @Test
    void serverFailuresMapToTheirKinds() {
        whisper.faults().next(Fault.serverError());
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.transcribe(TestCalls.transcriptionCall("m", wav(1), null, false)));
        assertThat(e.kind()).isEqualTo(ProviderException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("failed to process audio");

        whisper.stop();
        ProviderException down = catchThrowableOfType(ProviderException.class,
                () -> provider.transcribe(TestCalls.transcriptionCall("m", wav(1), null, false)));
        // Refused, or reset on the pooled connection the stopped server closed: either way unavailable.
        assertThat(down.kind()).isEqualTo(ProviderException.Kind.UNAVAILABLE);
    }

    @Test
    void anEmptyUploadIsTheCallersMistake() {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.transcribe(TestCalls.transcriptionCall("m", new byte[0], null, false)));
        assertThat(e.kind()).isEqualTo(ProviderException.Kind.BAD_REQUEST);
        assertThat(e.param()).hasValue("file");
    }

    @Test
    void audioKindsAreToldByTheirFirstBytes() {
        assertThat(AudioKind.of(wav(0.1))).isEqualTo(AudioKind.WAV);
        assertThat(AudioKind.of(new byte[] {'I', 'D', '3', 4})).isEqualTo(AudioKind.MP3);
        assertThat(AudioKind.of(new byte[] {(byte) 0xFF, (byte) 0xFB, (byte) 0x90})).isEqualTo(AudioKind.MP3);
        assertThat(AudioKind.of("fLaC....".getBytes(StandardCharsets.US_ASCII))).isEqualTo(AudioKind.FLAC);
        assertThat(AudioKind.of(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3})).isEqualTo(AudioKind.WEBM);
        assertThat(AudioKind.of("\0\0\0 ftypM4A ".getBytes(StandardCharsets.US_ASCII))).isEqualTo(AudioKind.MP4);
        assertThat(AudioKind.of(new byte[] {1, 2})).isEqualTo(AudioKind.UNKNOWN);
    }
}
