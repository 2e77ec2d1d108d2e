package ai.aideon.providers.together;

import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.api.GeneratedImages;
import ai.aideon.core.api.ImageRequest;
import ai.aideon.core.api.SpeechAudio;
import ai.aideon.core.api.SpeechRequest;
import ai.aideon.core.api.Transcription;
import ai.aideon.core.api.TranscriptionRequest;
import ai.aideon.core.provider.ChatCall;
import ai.aideon.core.provider.ChatProvider;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.EmbeddingProvider;
import ai.aideon.core.provider.ImageProvider;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.core.provider.SpeechProvider;
import ai.aideon.core.provider.TranscriptionProvider;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.openai.OpenAiCompatibleProvider;
import ai.aideon.providers.http.ResponseBody;
import ai.aideon.providers.openai.OpenAiDialect;
import ai.aideon.providers.openai.wire.SpeechRequestWriter;

import java.net.URI;
import java.time.Clock;
import java.util.Locale;

/**
 * Together AI ({@code https://api.together.xyz/v1}). The wire is OpenAI's with quirks, all handled by the shared
 * OpenAI-compatible code: {@code stop} is sent as an array, {@code finish_reason: "eos"} reads as {@code stop},
 * usage arrives on the final chunk next to the finish reason (no {@code stream_options} is sent), 503 bodies may be
 * plain text, and the request id comes from {@code x-request-id} or {@code cf-ray}.
 *
 * <p>Embeddings go to {@code /embeddings} with only {@code model} and {@code input}, the fields Together documents:
 * a request with {@code dimensions} is refused as a bad request, and usage, which Together's answer does not carry,
 * is counted with cl100k.
 *
 * <p>Speech: {@code POST /audio/speech} (see {@link SpeechRequestWriter}): wav, mp3, or pcm as raw s16le at 24 kHz;
 * OpenAI voice names become a sonic voice. The answer's bytes are handed on as they arrive. Transcription is the
 * OpenAI-compatible multipart upload with {@code verbose_json}.
 *
 * <p>Images: {@code POST /images/generations} (see {@link TogetherImages}), PNG, base64 or Together-hosted URLs as
 * the client asked. Option {@code max_images_per_request} (default 4, Together's documented limit) splits a larger
 * {@code n} into batches.
 */
public final class TogetherProvider implements ChatProvider, EmbeddingProvider, SpeechProvider,
        TranscriptionProvider, ImageProvider {
    static final String MAX_IMAGES_OPTION = "max_images_per_request";

    private final OpenAiCompatibleProvider delegate;
    private final URI speechUri;
    private final TogetherImages images;

    public TogetherProvider(ProviderSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public TogetherProvider(ProviderSettings settings, Clock clock) {
        this.delegate = new OpenAiCompatibleProvider(settings, OpenAiDialect.TOGETHER, clock);
        this.speechUri = delegate.endpoint("/audio/speech");
        this.images = new TogetherImages(settings.name(), delegate.transport(),
                delegate.endpoint("/images/generations"), maxImagesPerRequest(settings));
    }

    private static int maxImagesPerRequest(ProviderSettings settings) {
        String value = settings.option(MAX_IMAGES_OPTION, "4");
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("provider '" + settings.name() + "': option " + MAX_IMAGES_OPTION
                    + " must be a whole number, not '" + value + "'");
        }
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public ChatResponse chat(ChatCall call) throws ProviderException {
        return delegate.chat(call);
    }

    @Override
    public ChatStream stream(ChatCall call) throws ProviderException {
        return delegate.stream(call);
    }

    @Override
    public EmbeddingResponse embed(ModalityCall<EmbeddingRequest> call) throws ProviderException {
        return delegate.embed(call);
    }

    @Override
    public SpeechAudio speak(ModalityCall<SpeechRequest> call) throws ProviderException {
        SpeechRequest r = call.request();
        if (r.input() == null || r.input().isBlank()) {
            throw new ProviderException(Kind.BAD_REQUEST, "input is empty: there is nothing to say", 0, null, "input",
                    null);
        }
        // OpenAI's default is mp3; Together's would be wav, but the client asked the OpenAI API.
        String format = r.format() == null || r.format().isBlank() ? "mp3" : r.format().trim().toLowerCase(Locale.ROOT);
        if (!SpeechRequestWriter.TOGETHER_FORMATS.contains(format)) {
            throw new ProviderException(Kind.BAD_REQUEST, "response_format " + r.format() + " is not available from "
                    + "Together; use one of: wav, mp3, pcm", 0, null, "response_format", null);
        }
        String model = call.model() != null ? call.model().upstreamId() : r.model();
        ResponseBody body = delegate.transport().postJsonForAudio(speechUri,
                SpeechRequestWriter.together(r, model, format), call.timeout());
        // A generic type (raw answers come as application/octet-stream) says less than the format we asked for.
        String upstreamType = body.headers().first("content-type").orElse("");
        String contentType = upstreamType.startsWith("audio/") && !format.equals("pcm") ? upstreamType
                : SpeechRequestWriter.contentType(format);
        return new SpeechAudio(contentType, format, body.stream(), r.input().length());
    }

    @Override
    public GeneratedImages generate(ModalityCall<ImageRequest> call) throws ProviderException {
        return images.generate(call);
    }

    @Override
    public Transcription transcribe(ModalityCall<TranscriptionRequest> call) throws ProviderException {
        return delegate.transcribe(call);
    }
}
