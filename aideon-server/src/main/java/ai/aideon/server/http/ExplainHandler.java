package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.Modality;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Route;
import ai.aideon.core.api.Role;
import ai.aideon.core.route.Candidate;
import ai.aideon.core.route.RouteContext;
import ai.aideon.core.route.RoutePlan;
import ai.aideon.core.route.RoutingException;
import ai.aideon.core.route.Skipped;
import ai.aideon.server.api.ApiException;
import ai.aideon.server.api.ChatRequestParser;
import ai.aideon.server.api.ErrorMapper;
import ai.aideon.server.api.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Locale;

/**
 * {@code GET /aideon/v1/explain?model=…&role=…[&max_tokens=…]} or {@code POST} with a request body: the plan the
 * router would follow for the caller's tier, with reasons, without calling any upstream. A model or route of another
 * modality (images, speech, embeddings …) gets that modality's plan; the body is then the endpoint's own
 * ({@code POST /aideon/v1/estimate} with an images body prices its {@code n} images per candidate).
 */
final class ExplainHandler {
    private final AideonEngine engine;

    ExplainHandler(AideonEngine engine) {
        this.engine = engine;
    }

    void explain(ServerRequest req, ServerResponse res, String requestId) {
        write(req, res, false);
    }

    /**
     * {@code POST /aideon/v1/estimate} with the body of a real request: the plan and, per candidate, the cost range.
     * Chat: the prompt alone (low) to prompt + max_tokens, or the model's window when absent (high, what would be
     * reserved). Images: n × the model's per-image price (low = high: images are billed exactly). Other modalities:
     * the plan without costs.
     */
    void estimate(ServerRequest req, ServerResponse res, String requestId) {
        write(req, res, true);
    }

    private void write(ServerRequest req, ServerResponse res, boolean withCost) {
        Principal client = Auth.require(engine, req);
        var query = req.query();
        boolean fromBody = withCost || req.prologue().method() == Method.POST;
        byte[] body = fromBody ? req.content().as(byte[].class) : null;
        Role role = null;
        String roleText = query.first("role").orElse(Exchange.header(req, "x-aideon-role").orElse(null));
        if (roleText != null) {
            role = Role.parse(roleText).orElseThrow(() -> ApiException.invalid("role", "Unknown role '" + roleText
                    + "'."));
        }
        boolean localOnly = Exchange.localOnly(engine, req, query.first("privacy")
                .map(p -> p.toLowerCase(Locale.ROOT).equals("local_only")).orElse(false));
        RouteContext context = new RouteContext(client.tier(), role, localOnly);

        ObjectNode json = fromBody ? ChatRequestParser.parseObject(body) : null;
        String model = fromBody ? json.path("model").asText(null) : query.first("model").orElse(null);
        Modality modality = model == null ? null : modalityOf(model);
        if (modality != null && !modality.isChat()) {
            // Image bodies are parsed as the images endpoint would: the same n, the same role from quality.
            ImagesHandler.Parsed parsed = modality == Modality.IMAGE && fromBody ? ImagesHandler.parse(json) : null;
            int images = parsed == null ? 1 : parsed.request().n();
            if (parsed != null && role == null) {
                context = new RouteContext(client.tier(), ImagesHandler.roleFor(parsed.request().quality()), localOnly);
            }
            RoutePlan plan;
            try {
                plan = engine.planModality(model, modality, context);
            } catch (RoutingException e) {
                throw ErrorMapper.routing(e);
            }
            writePlan(res, client, plan, withCost ? modalityCost(modality, json, images) : null);
            return;
        }

        ChatRequest request;
        if (fromBody) {
            request = ChatRequestParser.chat(body);
        } else {
            if (model == null) {
                throw ApiException.invalid("model", "Missing required query parameter: 'model'.");
            }
            Integer maxTokens = null;
            if (query.contains("max_tokens")) {
                try {
                    maxTokens = Integer.parseInt(query.get("max_tokens"));
                } catch (NumberFormatException e) {
                    throw ApiException.invalid("max_tokens", "'max_tokens' must be a positive integer.");
                }
            }
            request = new ChatRequest(model, List.of(ChatMessage.of("user",
                    query.first("prompt").orElse("(explain)"))), query.first("stream").map(Boolean::parseBoolean)
                    .orElse(false), false, maxTokens, null, null, null, null, 1, null, null, null, null, null, null,
                    false);
        }
        RoutePlan plan;
        try {
            plan = engine.plan(request, context);
        } catch (RoutingException e) {
            throw ErrorMapper.routing(e);
        }
        writePlan(res, client, plan, !withCost ? null : c -> {
            int prompt = plan.promptTokens();
            long maxOut = request.maxTokens() != null ? request.maxTokens()
                    : Math.max(1, c.model().contextWindow() - prompt);
            return new long[]{c.model().price().tokenCostMicros(prompt, 0),
                    c.model().price().tokenCostMicros(prompt, maxOut)};
        });
    }

    /** The modality of a route alias or concrete model; null for names the catalog doesn't know. */
    private Modality modalityOf(String name) {
        var catalog = engine.catalog();
        return catalog.route(name).map(Route::modality)
                .or(() -> catalog.model(name).map(ModelSpec::modality)).orElse(null);
    }

    /**
     * @param costRange per candidate, {low, high} in micro-dollars; null to leave costs out
     */
    /**
     * Each candidate's cost range for a non-chat body, priced as its endpoint would reserve it: images exactly (per
     * image), speech exactly (per input character), embeddings from the inputs' local token count (low) to that
     * count plus the router's margin (high, what is reserved). Null (no price shown) when the body does not tell:
     * a transcription is billed per second of audio, which only the uploaded file says.
     */
    private java.util.function.Function<Candidate, long[]> modalityCost(Modality modality, ObjectNode body,
                                                                        int images) {
        switch (modality) {
            case IMAGE -> {
                return c -> exactly(c.model().price().imageCostMicros(images));
            }
            case TTS -> {
                if (body == null) {
                    return null;
                }
                int characters = AudioHandler.speechInput(body).length();
                return c -> exactly(AudioHandler.speechCostMicros(c.model().price(), characters));
            }
            case EMBED -> {
                if (body == null) {
                    return null;
                }
                int tokens = engine.inputTokens(EmbeddingsHandler.parse(body));
                int reserved = engine.withTokenMargin(tokens);
                return c -> new long[]{c.model().price().tokenCostMicros(tokens, 0),
                        c.model().price().tokenCostMicros(reserved, 0)};
            }
            default -> {
                return null;
            }
        }
    }

    private static long[] exactly(long micros) {
        return new long[]{micros, micros};
    }

    private void writePlan(ServerResponse res, Principal client, RoutePlan plan,
                           java.util.function.Function<Candidate, long[]> costRange) {
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("requested", plan.requested());
            g.writeStringField("route", plan.routeAlias());
            g.writeStringField("tier", client.tier());
            g.writeStringField("role", plan.role().wire());
            g.writeNumberField("prompt_tokens", plan.promptTokens());
            g.writeArrayFieldStart("candidates");
            for (Candidate c : plan.candidates()) {
                g.writeStartObject();
                g.writeStringField("model", c.model().id());
                g.writeStringField("provider", c.model().provider());
                g.writeStringField("source", c.model().source().wire());
                g.writeStringField("role", c.role() == null ? null : c.role().wire());
                g.writeStringField("reason", c.reason());
                g.writeNumberField("context_window", c.model().contextWindow());
                g.writeStringField("health", engine.health().state(c.model()));
                if (costRange != null) {
                    long[] range = costRange.apply(c);
                    g.writeObjectFieldStart("cost_usd");
                    g.writeFieldName("low");
                    g.writeNumber(java.math.BigDecimal.valueOf(range[0], 6));
                    g.writeFieldName("high");
                    g.writeNumber(java.math.BigDecimal.valueOf(range[1], 6));
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("skipped");
            for (Skipped s : plan.skipped()) {
                g.writeStartObject();
                g.writeStringField("model", s.modelId());
                g.writeStringField("reason", s.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }
}
