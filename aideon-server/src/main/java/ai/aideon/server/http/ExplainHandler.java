package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
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
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Locale;

/**
 * {@code GET /aideon/v1/explain?model=…&role=…[&max_tokens=…]} or {@code POST} with a chat request body: the plan
 * the router would follow for the caller's tier, with reasons, without calling any upstream.
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
     * {@code POST /aideon/v1/estimate} with the body of a real chat request: the plan and, per candidate, the cost
     * range — the prompt alone (low) to prompt + max_tokens, or the model's window when absent (high, what would
     * be reserved).
     */
    void estimate(ServerRequest req, ServerResponse res, String requestId) {
        write(req, res, true);
    }

    private void write(ServerRequest req, ServerResponse res, boolean withCost) {
        Principal client = Auth.require(engine, req);
        ChatRequest request;
        var query = req.query();
        if (withCost || req.prologue().method() == Method.POST) {
            request = ChatRequestParser.chat(req.content().as(byte[].class));
        } else {
            String model = query.first("model").orElseThrow(() -> ApiException.invalid("model",
                    "Missing required query parameter: 'model'."));
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
        Role role = null;
        String roleText = query.first("role").orElse(Exchange.header(req, "x-aideon-role").orElse(null));
        if (roleText != null) {
            role = Role.parse(roleText).orElseThrow(() -> ApiException.invalid("role", "Unknown role '" + roleText
                    + "'."));
        }
        boolean localOnly = Exchange.localOnly(engine, req, query.first("privacy")
                .map(p -> p.toLowerCase(Locale.ROOT).equals("local_only")).orElse(false));
        RoutePlan plan;
        try {
            plan = engine.plan(request, new RouteContext(client.tier(), role, localOnly));
        } catch (RoutingException e) {
            throw ErrorMapper.routing(e);
        }
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
                if (withCost) {
                    int prompt = plan.promptTokens();
                    long maxOut = request.maxTokens() != null ? request.maxTokens()
                            : Math.max(1, c.model().contextWindow() - prompt);
                    g.writeObjectFieldStart("cost_usd");
                    g.writeFieldName("low");
                    g.writeNumber(java.math.BigDecimal.valueOf(c.model().price().tokenCostMicros(prompt, 0), 6));
                    g.writeFieldName("high");
                    g.writeNumber(java.math.BigDecimal.valueOf(c.model().price().tokenCostMicros(prompt, maxOut), 6));
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
