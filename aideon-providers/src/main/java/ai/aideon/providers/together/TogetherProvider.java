package ai.aideon.providers.together;

import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.provider.ChatCall;
import ai.aideon.core.provider.ChatProvider;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.EmbeddingProvider;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.openai.OpenAiCompatibleProvider;
import ai.aideon.providers.openai.OpenAiDialect;

import java.time.Clock;

/**
 * Together AI ({@code https://api.together.xyz/v1}). The wire is OpenAI's with quirks, all handled by the shared
 * OpenAI-compatible code: {@code stop} is sent as an array, {@code finish_reason: "eos"} reads as {@code stop},
 * usage arrives on the final chunk next to the finish reason (no {@code stream_options} is sent), 503 bodies may be
 * plain text, and the request id comes from {@code x-request-id} or {@code cf-ray}.
 *
 * <p>Embeddings go to {@code /embeddings} with only {@code model} and {@code input}, the fields Together documents:
 * a request with {@code dimensions} is refused as a bad request, and usage, which Together's answer does not carry,
 * is counted with cl100k.
 */
public final class TogetherProvider implements ChatProvider, EmbeddingProvider {
    private final OpenAiCompatibleProvider delegate;

    public TogetherProvider(ProviderSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public TogetherProvider(ProviderSettings settings, Clock clock) {
        this.delegate = new OpenAiCompatibleProvider(settings, OpenAiDialect.TOGETHER, clock);
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
}
