package ai.aideon.providers.openai;

import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.api.Transcription;
import ai.aideon.core.api.TranscriptionRequest;
import ai.aideon.core.provider.ChatCall;
import ai.aideon.core.provider.ChatProvider;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.EmbeddingProvider;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.TranscriptionProvider;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.http.ErrorMapper;
import ai.aideon.providers.http.HttpTransport;
import ai.aideon.providers.http.Json;
import ai.aideon.providers.http.MultipartForm;
import ai.aideon.providers.http.ResponseBody;
import ai.aideon.providers.http.UpstreamError;
import ai.aideon.providers.openai.wire.ChatCompletionReader;
import ai.aideon.providers.openai.wire.ChatCompletionWriter;
import ai.aideon.providers.openai.wire.EmbeddingRequestWriter;
import ai.aideon.providers.openai.wire.EmbeddingResponseReader;
import ai.aideon.providers.openai.wire.TranscriptionReader;
import ai.aideon.providers.support.UsageEstimator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;

/**
 * Any server that speaks OpenAI's chat completions and embeddings: OpenAI, vLLM, llama.cpp server (started with
 * {@code --embedding} for embeddings), Ollama's /v1, and (through {@link OpenAiDialect#TOGETHER}) Together.
 * {@code baseUrl} includes {@code /v1}.
 *
 * <p>Embeddings: {@code POST {base}/embeddings} with every input in one request; vectors come back in input order
 * whatever order {@code data} lists them in. Usage is the upstream's {@code usage.prompt_tokens}, counted with cl100k
 * when it sends none (Together never does). Failures map exactly as for chat.
 *
 * <p>Transcription: {@code POST {base}/audio/transcriptions} (or {@code /audio/translations} to get English),
 * multipart, always asking for {@code verbose_json} so the answer carries the duration (the billing unit) and timed
 * segments; both OpenAI and Together accept it.
 *
 * <p>Options: {@code max_tokens_field} ({@code max_tokens} | {@code max_completion_tokens});
 * {@code header.<Name>} adds a request header (e.g. {@code header.OpenAI-Organization}).
 */
public final class OpenAiCompatibleProvider implements ChatProvider, EmbeddingProvider, TranscriptionProvider {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleProvider.class);

    private final String name;
    private final OpenAiDialect dialect;
    private final HttpTransport http;
    private final ErrorMapper errors;
    private final URI chatUri;
    private final URI completionsUri;
    private final URI embeddingsUri;
    private final String base;

    public OpenAiCompatibleProvider(ProviderSettings settings) {
        this(settings, OpenAiDialect.OPENAI_COMPATIBLE, Clock.systemUTC());
    }

    public OpenAiCompatibleProvider(ProviderSettings settings, OpenAiDialect dialect, Clock clock) {
        this.name = settings.name();
        this.dialect = dialect.withMaxTokensField(settings.option("max_tokens_field", dialect.maxTokensField()));
        this.http = new HttpTransport(settings, clock);
        this.errors = http.errors();
        this.base = stripTrailingSlash(settings.baseUrl().toString());
        this.chatUri = URI.create(base + "/chat/completions");
        this.completionsUri = URI.create(base + "/completions");
        this.embeddingsUri = URI.create(base + "/embeddings");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChatResponse chat(ChatCall call) throws ProviderException {
        ChatRequest r = call.request();
        boolean legacy = r.legacyPrompt();
        ResponseBody body = http.postJson(uri(legacy), requestBody(call, false), call.timeout(), false);
        byte[] bytes = body.readAll();
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw errors.malformed("body is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw errors.malformed("body is not a JSON object", null);
        }
        if (UpstreamError.isErrorDocument(root)) {
            throw errors.fromInBand(root);
        }
        ChatResponse response = ChatCompletionReader.read(root, legacy);
        LOG.debug("{} answered request-id {}", name, body.requestId());
        if (response.usage() != null && response.model() != null) {
            return response;
        }
        return new ChatResponse(response.id(), response.created(),
                response.model() != null ? response.model() : wireModel(call), response.choices(),
                response.usage() != null ? response.usage() : UsageEstimator.estimate(name, r, response.choices()),
                response.systemFingerprint());
    }

    @Override
    public ChatStream stream(ChatCall call) throws ProviderException {
        boolean legacy = call.request().legacyPrompt();
        ResponseBody body = http.postJson(uri(legacy), requestBody(call, true), call.timeout(), true);
        LOG.debug("{} streaming request-id {}", name, body.requestId());
        return new OpenAiSseStream(body, errors, call.request(), name, legacy);
    }

    @Override
    public EmbeddingResponse embed(ModalityCall<EmbeddingRequest> call) throws ProviderException {
        EmbeddingRequest r = call.request();
        if (r.inputs().isEmpty()) {
            throw errors.badRequest("input must contain at least one text", "input");
        }
        if (r.dimensions() != null && !dialect.embeddingOptions()) {
            throw errors.badRequest("this provider's embeddings API has no dimensions parameter; it returns the "
                    + "model's full-size vectors", "dimensions");
        }
        String model = call.model() != null ? call.model().upstreamId() : r.model();
        byte[] json = EmbeddingRequestWriter.write(r, model, dialect.embeddingOptions());
        ResponseBody body = http.postJson(embeddingsUri, json, call.timeout(), false);
        byte[] bytes = body.readAll();
        EmbeddingResponseReader.Parsed parsed;
        try {
            parsed = EmbeddingResponseReader.read(bytes, r.inputs().size());
        } catch (JsonProcessingException e) {
            throw errors.malformed(e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw errors.malformed("unreadable embeddings", e);
        }
        if (parsed.errorDocument()) {
            throw inBandError(bytes);
        }
        LOG.debug("{} answered request-id {}", name, body.requestId());
        return new EmbeddingResponse(parsed.model() != null ? parsed.model() : model, parsed.vectors(),
                parsed.usage() != null ? parsed.usage() : UsageEstimator.estimateEmbedding(name, r.inputs()));
    }

    @Override
    public Transcription transcribe(ModalityCall<TranscriptionRequest> call) throws ProviderException {
        TranscriptionRequest r = call.request();
        if (r.audio() == null || r.audio().length == 0) {
            throw errors.badRequest("file is empty: there is no audio to transcribe", "file");
        }
        String filename = r.filename() == null || r.filename().isBlank() ? "audio" : r.filename();
        MultipartForm form = new MultipartForm()
                .file("file", filename, "application/octet-stream", r.audio())
                .field("model", call.model() != null ? call.model().upstreamId() : r.model())
                .field("response_format", "verbose_json")
                // A translation is always into English; the source language is the upstream's to detect.
                .field("language", r.translate() ? null : blankToNull(r.language()))
                .field("prompt", blankToNull(r.prompt()))
                .field("temperature", r.temperature());
        ResponseBody body = http.postMultipart(endpoint(r.translate() ? "/audio/translations"
                : "/audio/transcriptions"), form, call.timeout());
        return TranscriptionReader.readBody(body.readAll(), errors, r.translate() ? "en" : blankToNull(r.language()));
    }

    /** The transport, for adapters of look-alike upstreams that add endpoints of their own (Together's speech). */
    public HttpTransport transport() {
        return http;
    }

    /** {@code path} (starting with /) under this provider's base URL. */
    public URI endpoint(String path) {
        return URI.create(base + path);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** An error object sent with a 2xx status. */
    private ProviderException inBandError(byte[] bytes) {
        try {
            return errors.fromInBand(Json.MAPPER.readTree(bytes));
        } catch (IOException e) {
            return errors.malformed("error body is not JSON", e); // cannot happen: the streaming read parsed it
        }
    }

    private byte[] requestBody(ChatCall call, boolean stream) {
        ChatRequest r = call.request();
        return r.legacyPrompt()
                ? ChatCompletionWriter.completion(r, wireModel(call), dialect, stream)
                : ChatCompletionWriter.chat(r, wireModel(call), dialect, stream);
    }

    private URI uri(boolean legacy) {
        return legacy ? completionsUri : chatUri;
    }

    private static String wireModel(ChatCall call) {
        return call.model() != null ? call.model().upstreamId() : call.request().model();
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
