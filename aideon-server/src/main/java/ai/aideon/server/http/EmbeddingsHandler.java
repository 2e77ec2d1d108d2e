package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.cache.CacheDirective;
import ai.aideon.client.cache.CacheKind;
import ai.aideon.client.cache.CachedEmbedding;
import ai.aideon.client.cache.EmbeddingTicket;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.client.metering.Admission;
import ai.aideon.client.metering.Metering;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.EmbeddingResponse;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Usage;
import ai.aideon.core.route.AllAttemptsFailedException;
import ai.aideon.core.route.ChatExecutor.CallOutcome;
import ai.aideon.core.route.RouteContext;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.tier.UsageLedger;
import ai.aideon.server.api.ApiException;
import ai.aideon.server.api.ChatRequestParser;
import ai.aideon.server.api.ErrorMapper;
import ai.aideon.server.api.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code POST /v1/embeddings}: string or array input, {@code encoding_format} float|base64 (little-endian float32,
 * as OpenAI's SDKs decode it), {@code dimensions} where the model supports it. Routed, metered and recorded like
 * chat. Embeddings are deterministic, so every request goes through the exact cache (keyed by tenant, model as asked,
 * inputs and dimensions; the encoding is applied when writing, so float and base64 callers share entries).
 */
final class EmbeddingsHandler {
    /** OpenAI's limit on inputs per request. */
    private static final int MAX_INPUTS = 2048;

    private final AideonEngine engine;

    EmbeddingsHandler(AideonEngine engine) {
        this.engine = engine;
    }

    void embed(ServerRequest req, ServerResponse res, String requestId) {
        Principal principal = Auth.require(engine, req);
        ObjectNode body = ChatRequestParser.parseObject(req.content().as(byte[].class));
        EmbeddingRequest request = parse(body);
        boolean base64 = encoding(body);
        CacheDirective directive = CacheReplies.directive(req);
        Role role = Exchange.header(req, "x-aideon-role").flatMap(Role::parse).orElse(null);
        boolean localOnly = Exchange.localOnly(engine, req, false);
        RouteContext context = new RouteContext(principal.tier(), role, localOnly);
        Admission admission = ErrorMapper.admitted(Exchange.clientRequestId(req),
                () -> engine.admitEmbedding(requestId, principal, request, context));
        Metering metering = engine.metering();
        try {
            EmbeddingTicket ticket = engine.cache().embedding(CacheReplies.scope(engine, req, principal,
                    admission.plan()), request, directive);
            Optional<CachedEmbedding> hit = ticket.lookup();
            if (hit.isPresent()) {
                CachedEmbedding cached = hit.get();
                Long cost = CacheReplies.record(engine, admission, CacheKind.EXACT, cached.served());
                CacheReplies.hitHeaders(res, cached.served(), CacheKind.EXACT, null, cached.storedAt(),
                        engine.cache().now(), cost);
                Usage usage = cached.response().usage() != null ? cached.response().usage() : Usage.ZERO;
                write(res, cached.response(), cached.served(), CacheKind.EXACT.route(), "cache", usage, cost, base64);
                return;
            }
            CacheReplies.status(res, ticket.status());
            CallOutcome<EmbeddingResponse> outcome;
            try {
                outcome = engine.embed(request, admission.plan());
            } catch (AllAttemptsFailedException e) {
                res.headers().set(ChatHandler.ROUTE, e.routeHeader());
                ApiException error = ErrorMapper.attempts(e);
                if (metering != null) {
                    metering.failed(admission, e.attempts(), error.status(), e.last().kind().name().toLowerCase(Locale.ROOT));
                }
                throw error;
            }
            EmbeddingResponse r = outcome.result();
            Usage usage = r.usage() != null ? r.usage() : Usage.ZERO;
            Long cost = null;
            if (metering != null) {
                try {
                    cost = metering.succeeded(admission, outcome.served(), usage, outcome.attempts(), 200, null);
                } catch (UsageLedger.LedgerUnavailableException e) {
                    throw new ApiException(503, "service_unavailable", "ledger_unavailable", null,
                            "The embeddings were computed but could not be recorded, so they are withheld; retry shortly.");
                }
                res.headers().set(ChatHandler.COST, Metering.usd(cost));
            }
            ChatHandler.routeHeaders(res, outcome.served(), outcome.routeHeader());
            // Recorded (the row is durable): later identical requests of this tenant may get these vectors. Stored
            // before the reply goes out, so a caller that asks again the moment it has the reply finds them.
            ticket.store(r, outcome.served());
            write(res, r, outcome.served(), outcome.routeHeader(), outcome.served().source().wire(), usage, cost,
                    base64);
        } finally {
            if (metering != null) {
                metering.abandon(admission);
            }
        }
    }

    private static void write(ServerResponse res, EmbeddingResponse r, ModelSpec served, String route, String source,
                              Usage usage, Long costMicros, boolean base64) {
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = 0; i < r.vectors().size(); i++) {
                float[] v = r.vectors().get(i);
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                g.writeFieldName("embedding");
                if (base64) {
                    g.writeString(toBase64(v));
                } else {
                    g.writeStartArray();
                    for (float f : v) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", served.id());
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", usage.promptTokens());
            g.writeNumberField("total_tokens", usage.promptTokens());
            if (costMicros != null) {
                g.writeFieldName("cost_usd");
                g.writeNumber(Metering.usd(costMicros)); // as a number, the same digits as the x-aideon-cost-usd header
            }
            g.writeEndObject();
            g.writeObjectFieldStart("aideon");
            g.writeStringField("provider", served.provider());
            g.writeStringField("model", served.id());
            g.writeStringField("source", source);
            g.writeStringField("route", route);
            g.writeEndObject();
            g.writeEndObject();
        }));
    }

    static EmbeddingRequest parse(ObjectNode body) {
        JsonNode m = body.get("model");
        if (m == null || !m.isTextual() || m.asText().isBlank()) {
            throw ApiException.invalid("model", "Missing required parameter: 'model' (e.g. 'aideon/embed').");
        }
        JsonNode in = body.get("input");
        List<String> inputs = new ArrayList<>();
        if (in == null || in.isNull()) {
            throw ApiException.invalid("input", "Missing required parameter: 'input'.");
        } else if (in.isTextual()) {
            inputs.add(in.asText());
        } else if (in.isArray() && !in.isEmpty()) {
            if (in.size() > MAX_INPUTS) {
                throw ApiException.invalid("input", "'input' may hold at most " + MAX_INPUTS + " items.");
            }
            for (JsonNode x : in) {
                if (!x.isTextual()) {
                    throw ApiException.invalid("input", "'input' must be a string or an array of strings "
                            + "(token-id inputs are not supported).");
                }
                inputs.add(x.asText());
            }
        } else {
            throw ApiException.invalid("input", "'input' must be a string or a non-empty array of strings.");
        }
        Integer dimensions = null;
        JsonNode d = body.get("dimensions");
        if (d != null && !d.isNull()) {
            if (!d.isIntegralNumber() || d.asInt() < 1) {
                throw ApiException.invalid("dimensions", "'dimensions' must be a positive integer.");
            }
            dimensions = d.asInt();
        }
        JsonNode user = body.get("user");
        return new EmbeddingRequest(m.asText(), inputs, dimensions, user == null || user.isNull() ? null : user.asText());
    }

    private static boolean encoding(ObjectNode body) {
        JsonNode e = body.get("encoding_format");
        if (e == null || e.isNull() || "float".equals(e.asText())) {
            return false;
        }
        if ("base64".equals(e.asText())) {
            return true;
        }
        throw ApiException.invalid("encoding_format", "'encoding_format' must be 'float' or 'base64'.");
    }

    /** OpenAI's base64 encoding: the vector's float32 values, little-endian, base64. */
    static String toBase64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }
}
