package ai.aideon.providers.ollama;

import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ContentPart;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.provider.ChatCall;
import ai.aideon.core.provider.ChatProvider;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.EmbeddingProvider;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.http.ErrorMapper;
import ai.aideon.providers.http.HttpTransport;
import ai.aideon.providers.http.Json;
import ai.aideon.providers.http.ResponseBody;
import ai.aideon.providers.ollama.wire.OllamaEmbedReader;
import ai.aideon.providers.ollama.wire.OllamaRequestWriter;
import ai.aideon.providers.ollama.wire.OllamaResponseReader;
import ai.aideon.providers.support.LegacyPrompt;
import ai.aideon.providers.support.UsageEstimator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ollama's native API ({@code baseUrl} is the server root, e.g. {@code http://127.0.0.1:11434}): {@code /api/chat},
 * {@code /api/generate} for legacy completions, and {@code /api/embed} for embeddings (all inputs in one request;
 * usage from {@code prompt_eval_count}; over-long input is truncated to the model's context, Ollama's default).
 *
 * <p>Options: {@code num_ctx} = a number, or {@code catalog} to ask for the model's catalog context window
 * (Ollama otherwise silently truncates prompts to its default context); {@code keep_alive} (e.g. {@code 30m}).
 */
public final class OllamaProvider implements ChatProvider, EmbeddingProvider {
    private final String name;
    private final HttpTransport http;
    private final ErrorMapper errors;
    private final Clock clock;
    private final URI chatUri;
    private final URI generateUri;
    private final URI embedUri;
    /** num_ctx to send: a fixed number, the model's catalog window, or nothing (Ollama's default). */
    private final Integer fixedNumCtx;
    private final boolean numCtxFromCatalog;
    private final String keepAlive;

    public OllamaProvider(ProviderSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public OllamaProvider(ProviderSettings settings, Clock clock) {
        this.name = settings.name();
        this.http = new HttpTransport(settings, clock);
        this.errors = http.errors();
        this.clock = clock;
        String base = settings.baseUrl().toString();
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.chatUri = URI.create(base + "/api/chat");
        this.generateUri = URI.create(base + "/api/generate");
        this.embedUri = URI.create(base + "/api/embed");
        String numCtx = settings.options().getOrDefault("num_ctx", "").strip();
        this.numCtxFromCatalog = "catalog".equalsIgnoreCase(numCtx);
        this.fixedNumCtx = numCtx.isEmpty() || numCtxFromCatalog ? null : parseNumCtx(settings.name(), numCtx);
        this.keepAlive = settings.options().get("keep_alive");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChatResponse chat(ChatCall call) throws ProviderException {
        ChatRequest r = call.request();
        validate(r);
        ResponseBody body = http.postJson(uri(r), requestBody(call, false), call.timeout(), false);
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body.readAll());
        } catch (IOException e) {
            throw errors.malformed("body is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw errors.malformed("body is not a JSON object", null);
        }
        if (root.has("error")) {
            throw errors.fromInBand(root);
        }
        ChatResponse response = OllamaResponseReader.response(root, r.legacyPrompt(), newId(), wireModel(call),
                clock.instant().getEpochSecond());
        if (response.usage() != null) {
            return response;
        }
        return new ChatResponse(response.id(), response.created(), response.model(), response.choices(),
                UsageEstimator.estimate(name, r, response.choices()), null);
    }

    @Override
    public ChatStream stream(ChatCall call) throws ProviderException {
        ChatRequest r = call.request();
        validate(r);
        ResponseBody body = http.postJson(uri(r), requestBody(call, true), call.timeout(), true);
        return new OllamaNdjsonStream(body, errors, r, name, r.legacyPrompt());
    }

    @Override
    public EmbeddingResponse embed(ModalityCall<EmbeddingRequest> call) throws ProviderException {
        EmbeddingRequest r = call.request();
        if (r.inputs().isEmpty()) {
            throw errors.badRequest("input must contain at least one text", "input");
        }
        String model = call.model() != null ? call.model().upstreamId() : r.model();
        ResponseBody body = http.postJson(embedUri, OllamaRequestWriter.embed(r, model, keepAlive), call.timeout(),
                false);
        byte[] bytes = body.readAll();
        OllamaEmbedReader.Parsed parsed;
        try {
            parsed = OllamaEmbedReader.read(bytes, r.inputs().size());
        } catch (JsonProcessingException e) {
            throw errors.malformed(e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw errors.malformed("unreadable embeddings", e);
        }
        if (parsed.errorDocument()) {
            throw inBandError(bytes);
        }
        return new EmbeddingResponse(parsed.model() != null ? parsed.model() : model, parsed.vectors(),
                parsed.usage() != null ? parsed.usage() : UsageEstimator.estimateEmbedding(name, r.inputs()));
    }

    /** An {@code {"error":…}} body sent with a 2xx status. */
    private ProviderException inBandError(byte[] bytes) {
        try {
            return errors.fromInBand(Json.MAPPER.readTree(bytes));
        } catch (IOException e) {
            return errors.malformed("error body is not JSON", e); // cannot happen: the streaming read parsed it
        }
    }

    /** What the native API cannot express is refused up front rather than silently changed. */
    private void validate(ChatRequest r) throws ProviderException {
        if (r.n() > 1) {
            throw errors.badRequest("ollama returns one choice per request; n > 1 is not supported", "n");
        }
        for (ChatMessage m : r.messages()) {
            if (m.content() == null) {
                continue;
            }
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Image i && OllamaRequestWriter.inlineImageData(i.url()) == null) {
                    throw errors.badRequest("ollama accepts inline images only (data:image/…;base64,…)", "messages");
                }
                if (p instanceof ContentPart.Audio) {
                    throw errors.badRequest("ollama does not accept audio input", "messages");
                }
            }
        }
    }

    private byte[] requestBody(ChatCall call, boolean stream) {
        ChatRequest r = call.request();
        Integer numCtx = numCtx(call);
        return r.legacyPrompt()
                ? OllamaRequestWriter.generate(r, LegacyPrompt.text(r), wireModel(call), stream,
                numCtx, keepAlive)
                : OllamaRequestWriter.chat(r, wireModel(call), stream, numCtx, keepAlive);
    }

    private Integer numCtx(ChatCall call) {
        if (numCtxFromCatalog) {
            return call.model() != null && call.model().contextWindow() > 0 ? call.model().contextWindow() : null;
        }
        return fixedNumCtx;
    }

    private static Integer parseNumCtx(String provider, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("provider '" + provider + "': option num_ctx must be a positive number "
                + "or 'catalog', not '" + value + "'");
    }

    private URI uri(ChatRequest r) {
        return r.legacyPrompt() ? generateUri : chatUri;
    }

    private static String wireModel(ChatCall call) {
        return call.model() != null ? call.model().upstreamId() : call.request().model();
    }

    private static String newId() {
        return "chatcmpl-ollama-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }
}
