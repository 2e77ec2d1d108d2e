package ai.aideon.providers.together;

import ai.aideon.core.api.SpeechAudio;
import ai.aideon.core.api.Transcription;
import ai.aideon.core.api.TranscriptionRequest;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.TestCalls;
import ai.aideon.providers.local.WavHeader;
import ai.aideon.testkit.FakeUpstream;
import ai.aideon.testkit.Fault;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;

import static ai.aideon.providers.TestCalls.speechCall;
import static ai.aideon.providers.TestCalls.transcriptionCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Timeout(10)
class TogetherAudioTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SONIC = "cartesia/sonic";
    private static final String WHISPER = "openai/whisper-large-v3";
    private static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private FakeUpstream upstream;
    private TogetherProvider provider;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.together().apiKey(KEY).start();
        provider = new TogetherProvider(TestCalls.settings("together", upstream.baseUrl() + "/v1", KEY));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private JsonNode lastJson() throws Exception {
        return JSON.readTree(upstream.requests().getLast().body());
    }

    private static byte[] bytes(SpeechAudio audio) throws Exception {
        try (InputStream in = audio.audio()) {
            return in.readAllBytes();
        }
    }

    @Test
    void wavIsRelayedAsTheUpstreamSentIt() throws Exception {
        SpeechAudio audio = provider.speak(speechCall(SONIC, "Hello there, world", "alloy", "wav", 1));
        byte[] wav = bytes(audio);
        WavHeader header = WavHeader.read(new ByteArrayInputStream(wav));
        assertThat(header.isPcm16Mono()).isTrue();
        assertThat(audio.contentType()).isEqualTo("audio/wav");
        assertThat(audio.format()).isEqualTo("wav");
        assertThat(audio.characters()).isEqualTo(18);

        JsonNode sent = lastJson();
        assertThat(upstream.requests().getLast().path()).isEqualTo("/v1/audio/speech");
        assertThat(sent.get("model").asText()).isEqualTo(SONIC);
        assertThat(sent.get("input").asText()).isEqualTo("Hello there, world");
        assertThat(sent.get("voice").asText()).isEqualTo("laidback woman");
        assertThat(sent.get("response_format").asText()).isEqualTo("wav");
        assertThat(sent.get("stream").asBoolean()).isFalse();
    }

    @Test
    void pcmIsRawSixteenBitAt24kHzAndUnknownVoicesPassThrough() throws Exception {
        SpeechAudio audio = provider.speak(speechCall(SONIC, "ten chars!", "friendly sidekick", "pcm", 1));
        byte[] pcm = bytes(audio);
        assertThat(audio.contentType()).isEqualTo("audio/pcm");
        assertThat(pcm).hasSize((int) Math.round(10 * 0.06 * 24_000) * 2);
        JsonNode sent = lastJson();
        assertThat(sent.get("response_format").asText()).isEqualTo("raw");
        assertThat(sent.get("response_encoding").asText()).isEqualTo("pcm_s16le");
        assertThat(sent.get("sample_rate").asInt()).isEqualTo(24_000);
        assertThat(sent.get("voice").asText()).isEqualTo("friendly sidekick");
    }

    @Test
    void mp3IsTheDefaultAndKokoroVoicesAreNotRenamed() throws Exception {
        SpeechAudio audio = provider.speak(speechCall("hexgrad/Kokoro-82M", "hi", "af_alloy", null, 1));
        assertThat(audio.contentType()).isEqualTo("audio/mpeg");
        assertThat(audio.format()).isEqualTo("mp3");
        assertThat(bytes(audio)).startsWith('I', 'D', '3');
        assertThat(lastJson().get("voice").asText()).isEqualTo("af_alloy");
    }

    @Test
    void formatsTogetherCannotMakeAreRefusedWithoutACall() {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.speak(speechCall(SONIC, "hi", "alloy", "opus", 1)));
        assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(e.param()).contains("response_format");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void speechFailuresMapLikeChat() {
        upstream.faults().next(Fault.rateLimited(2));
        ProviderException limited = catchThrowableOfType(ProviderException.class,
                () -> provider.speak(speechCall(SONIC, "hi", "alloy", "wav", 1)));
        assertThat(limited.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(2));

        upstream.apiKey("another-key");
        ProviderException auth = catchThrowableOfType(ProviderException.class,
                () -> provider.speak(speechCall(SONIC, "hi", "alloy", "wav", 1)));
        assertThat(auth.kind()).isEqualTo(Kind.AUTH);
        assertThat(auth.getMessage()).doesNotContain(KEY);
    }

    @Test
    void transcriptionUploadsMultipartAndReadsVerboseJson() throws Exception {
        byte[] wav = bytes(provider.speak(speechCall(SONIC, "x".repeat(50), "alloy", "wav", 1))); // 3 s at 44.1 kHz
        Transcription t = provider.transcribe(transcriptionCall(WHISPER, new TranscriptionRequest("aideon/transcribe",
                wav, "talk.wav", "de", "Names: Aideon", 0.2, false)));
        assertThat(t.text()).isEqualTo("Fake transcript of 3.00 seconds of audio.");
        assertThat(t.durationSeconds()).isEqualTo(3.0);
        assertThat(t.language()).isEqualTo("de");
        assertThat(t.segments()).singleElement().satisfies(s -> {
            assertThat(s.end()).isEqualTo(3.0);
            assertThat(s.text()).isEqualTo(t.text());
        });

        var sent = upstream.requests().getLast();
        assertThat(sent.path()).isEqualTo("/v1/audio/transcriptions");
        assertThat(sent.header("content-type")).startsWith("multipart/form-data; boundary=");
        assertThat(sent.body()).contains("name=\"file\"; filename=\"talk.wav\"")
                .contains("name=\"model\"\r\n\r\n" + WHISPER + "\r\n")
                .contains("name=\"response_format\"\r\n\r\nverbose_json\r\n")
                .contains("name=\"language\"\r\n\r\nde\r\n")
                .contains("name=\"prompt\"\r\n\r\nNames: Aideon\r\n")
                .contains("name=\"temperature\"\r\n\r\n0.2\r\n");
    }

    @Test
    void translationGoesToItsOwnEndpointAndIsEnglish() throws Exception {
        Transcription t = provider.transcribe(transcriptionCall(WHISPER, new byte[32_000], "fr", true));
        assertThat(upstream.requests().getLast().path()).isEqualTo("/v1/audio/translations");
        assertThat(upstream.requests().getLast().body()).doesNotContain("name=\"language\"");
        assertThat(t.language()).isEqualTo("en");
        assertThat(t.durationSeconds()).isEqualTo(2.0);
    }

    @Test
    void transcriptionFailuresMapAndEmptyUploadsAreRefused() {
        upstream.faults().next(Fault.overloaded());
        ProviderException busy = catchThrowableOfType(ProviderException.class,
                () -> provider.transcribe(transcriptionCall(WHISPER, new byte[100], null, false)));
        assertThat(busy.kind()).isEqualTo(Kind.OVERLOADED);
        assertThat(busy.upstreamStatus()).isEqualTo(503);

        upstream.apiKey("another-key");
        ProviderException auth = catchThrowableOfType(ProviderException.class,
                () -> provider.transcribe(transcriptionCall(WHISPER, new byte[100], null, false)));
        assertThat(auth.kind()).isEqualTo(Kind.AUTH);

        int before = upstream.requestCount();
        ProviderException empty = catchThrowableOfType(ProviderException.class,
                () -> provider.transcribe(transcriptionCall(WHISPER, new byte[0], null, false)));
        assertThat(empty.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(upstream.requestCount()).isEqualTo(before);
    }
}
