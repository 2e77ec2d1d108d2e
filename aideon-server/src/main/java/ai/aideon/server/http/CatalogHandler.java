package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.core.catalog.Catalog;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Price;
import ai.aideon.core.catalog.Route;
import ai.aideon.core.catalog.RouteEntry;
import ai.aideon.server.api.ApiException;
import ai.aideon.server.api.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: every catalog model and every route alias, in OpenAI's
 * list shape, with an {@code aideon} member carrying what routing needs (modality, window, tiers, price).
 */
final class CatalogHandler {
    private final AideonEngine engine;
    private final long created;

    CatalogHandler(AideonEngine engine, long created) {
        this.engine = engine;
        this.created = created;
    }

    void list(ServerRequest req, ServerResponse res, String requestId) {
        Auth.require(engine, req);
        Catalog catalog = engine.catalog();
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (Route r : catalog.routes()) {
                route(g, r);
            }
            for (ModelSpec m : catalog.models()) {
                model(g, m);
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    void one(ServerRequest req, ServerResponse res, String requestId) {
        Auth.require(engine, req);
        String path = req.path().path();
        String id = java.net.URLDecoder.decode(path.substring("/v1/models/".length()),
                java.nio.charset.StandardCharsets.UTF_8);
        Catalog catalog = engine.catalog();
        var route = catalog.route(id);
        var model = catalog.model(id);
        if (route.isEmpty() && model.isEmpty()) {
            throw new ApiException(404, "invalid_request_error", "model_not_found", "model",
                    "The model '" + id + "' does not exist. GET /v1/models lists the models and routes.");
        }
        Exchange.json(res, 200, Json.bytes(g -> {
            if (route.isPresent()) {
                route(g, route.get());
            } else {
                model(g, model.get());
            }
        }));
    }

    private void route(JsonGenerator g, Route r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.alias());
        g.writeStringField("object", "model");
        g.writeNumberField("created", created);
        g.writeStringField("owned_by", "aideon");
        g.writeObjectFieldStart("aideon");
        g.writeStringField("kind", "route");
        g.writeStringField("modality", r.modality().name().toLowerCase(java.util.Locale.ROOT));
        g.writeStringField("description", r.description());
        g.writeObjectFieldStart("plans");
        for (Map.Entry<String, List<RouteEntry>> e : r.plans().entrySet()) {
            g.writeArrayFieldStart(e.getKey());
            for (RouteEntry entry : e.getValue()) {
                g.writeStartObject();
                g.writeStringField("model", entry.modelId());
                g.writeStringField("role", entry.role().wire());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    private void model(JsonGenerator g, ModelSpec m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        g.writeStringField("object", "model");
        g.writeNumberField("created", created);
        g.writeStringField("owned_by", m.provider());
        g.writeObjectFieldStart("aideon");
        g.writeStringField("kind", "model");
        g.writeStringField("provider", m.provider());
        g.writeStringField("source", m.source().wire());
        g.writeStringField("modality", m.modality().name().toLowerCase(java.util.Locale.ROOT));
        if (engine.isDiscovered(m.id())) {
            g.writeBooleanField("discovered", true); // listed by its local engine, not declared in the config
        }
        if (m.contextWindow() > 0) {
            g.writeNumberField("context_window", m.contextWindow());
        }
        g.writeArrayFieldStart("capabilities");
        for (var c : new TreeSet<>(m.capabilities())) {
            g.writeString(c.name().toLowerCase(java.util.Locale.ROOT));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("tiers");
        for (String t : new TreeSet<>(m.tiers())) {
            g.writeString(t);
        }
        g.writeEndArray();
        price(g, m.price());
        if (m.description() != null) {
            g.writeStringField("description", m.description());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void price(JsonGenerator g, Price p) throws IOException {
        g.writeObjectFieldStart("price_usd");
        nonZero(g, "input_per_1m_tokens", p.inputPerMTokens());
        nonZero(g, "output_per_1m_tokens", p.outputPerMTokens());
        nonZero(g, "per_image", p.perImage());
        nonZero(g, "per_audio_second", p.perAudioSecond());
        nonZero(g, "per_1m_characters", p.perMCharacters());
        nonZero(g, "per_video_second", p.perVideoSecond());
        g.writeEndObject();
    }

    private static void nonZero(JsonGenerator g, String field, BigDecimal v) throws IOException {
        if (v.signum() != 0) {
            g.writeFieldName(field);
            g.writeNumber(v);
        }
    }
}
