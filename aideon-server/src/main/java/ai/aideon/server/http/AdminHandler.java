package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.admin.KeyAdmin;
import ai.aideon.client.metering.Metering;
import ai.aideon.core.tier.ConversionEvent;
import ai.aideon.core.tier.IssuedKey;
import ai.aideon.core.tier.KeyInfo;
import ai.aideon.core.tier.Limit;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.tier.Tenant;
import ai.aideon.core.tier.UsageReports;
import ai.aideon.server.api.ApiException;
import ai.aideon.server.api.ChatRequestParser;
import ai.aideon.server.api.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Operator API ({@code /aideon/v1/admin/*}, admin key only) for tenants and keys, and the usage API
 * ({@code /aideon/v1/usage}) where a client sees only its own tenant and an admin may pick any.
 */
final class AdminHandler {
    private final AideonEngine engine;

    AdminHandler(AideonEngine engine) {
        this.engine = engine;
    }

    private KeyAdmin admin() {
        if (engine.keys() == null) {
            throw new ApiException(503, "service_unavailable", "no_store", null,
                    "This gateway runs without a store (store: none); keys and usage are not available.");
        }
        return new KeyAdmin(engine.keys(), engine.config());
    }

    void createKey(ServerRequest req, ServerResponse res, String requestId) {
        Auth.requireAdmin(engine, req);
        ObjectNode body = ChatRequestParser.parseObject(req.content().as(byte[].class));
        KeyAdmin.KeyRequest r = new KeyAdmin.KeyRequest(text(body, "tenant"), text(body, "tier"),
                decimal(body, "budget_usd"), number(body, "rpm"), number(body, "tpm"), text(body, "name"),
                body.path("admin").asBoolean(false));
        IssuedKey key;
        try {
            key = admin().createKey(r);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(null, e.getMessage());
        }
        Tenant tenant = admin().tenant(key.info().tenantId()).orElseThrow();
        Exchange.json(res, 201, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("key", key.secret());
            g.writeFieldName("key_info");
            keyInfo(g, key.info());
            g.writeFieldName("tenant");
            tenant(g, tenant);
            g.writeStringField("note", "Store this key now: it is shown once and kept only as a salted hash.");
            g.writeEndObject();
        }));
    }

    void listKeys(ServerRequest req, ServerResponse res, String requestId) {
        Auth.requireAdmin(engine, req);
        List<KeyInfo> keys;
        try {
            keys = admin().list(req.query().first("tenant").orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ApiException(404, "invalid_request_error", "not_found", "tenant", e.getMessage());
        }
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (KeyInfo k : keys) {
                keyInfo(g, k);
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    /** {@code POST /aideon/v1/admin/keys/{id}/revoke} and {@code …/rotate}. */
    void keyAction(ServerRequest req, ServerResponse res, String requestId) {
        Auth.requireAdmin(engine, req);
        String[] parts = req.path().path().split("/");
        // ["", "aideon", "v1", "admin", "keys", id, action]
        if (parts.length != 7) {
            throw ApiException.invalid(null, "Use POST /aideon/v1/admin/keys/{id}/revoke or …/rotate.");
        }
        String keyId = parts[5];
        switch (parts[6]) {
            case "revoke" -> {
                if (!admin().revoke(keyId)) {
                    throw new ApiException(404, "invalid_request_error", "not_found", "key",
                            "No active key '" + keyId + "'.");
                }
                Exchange.json(res, 200, Json.bytes(g -> {
                    g.writeStartObject();
                    g.writeStringField("key_id", keyId);
                    g.writeBooleanField("revoked", true);
                    g.writeEndObject();
                }));
            }
            case "rotate" -> {
                IssuedKey key;
                try {
                    key = admin().rotate(keyId);
                } catch (IllegalArgumentException e) {
                    throw new ApiException(404, "invalid_request_error", "not_found", "key", e.getMessage());
                }
                Exchange.json(res, 200, Json.bytes(g -> {
                    g.writeStartObject();
                    g.writeStringField("key", key.secret());
                    g.writeFieldName("key_info");
                    keyInfo(g, key.info());
                    g.writeStringField("revoked_key_id", keyId);
                    g.writeEndObject();
                }));
            }
            default -> throw ApiException.invalid(null, "Unknown key action '" + parts[6] + "'.");
        }
    }

    /**
     * {@code POST /aideon/v1/admin/tenants {"name","tier","budget_usd","rpm","tpm"}}: creates a tenant, or updates
     * an existing one's tier, budget and rates (null fields keep their values).
     */
    void upsertTenant(ServerRequest req, ServerResponse res, String requestId) {
        Auth.requireAdmin(engine, req);
        ObjectNode body = ChatRequestParser.parseObject(req.content().as(byte[].class));
        String name = text(body, "name");
        if (name == null || name.isBlank()) {
            throw ApiException.invalid("name", "Missing required parameter: 'name'.");
        }
        Tenant tenant;
        try {
            tenant = admin().upsertTenant(new KeyAdmin.KeyRequest(name, text(body, "tier"),
                    decimal(body, "budget_usd"), number(body, "rpm"), number(body, "tpm"), null, false));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(null, e.getMessage());
        }
        Exchange.json(res, 200, Json.bytes(g -> tenant(g, tenant)));
    }

    void tenants(ServerRequest req, ServerResponse res, String requestId) {
        Auth.requireAdmin(engine, req);
        List<Tenant> tenants = admin().tenants();
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (Tenant t : tenants) {
                tenant(g, t);
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    /** {@code GET /aideon/v1/usage?from=&to=&group_by=model|provider|day|tier[&tenant=]}. */
    void usage(ServerRequest req, ServerResponse res, String requestId) {
        Principal p = Auth.require(engine, req);
        UsageReports reports = reports();
        var q = req.query();
        String tenant = p.tenantId();
        if (q.contains("tenant")) {
            if (!p.admin()) {
                throw new ApiException(403, "permission_error", "admin_required", "tenant",
                        "Only an admin key may read another tenant's usage.");
            }
            String asked = q.get("tenant");
            tenant = "*".equals(asked) ? null
                    : admin().tenant(asked).map(Tenant::id).orElse(asked);
        } else if (p.admin()) {
            tenant = null;
        }
        Instant[] range = range(q.first("from").orElse(null), q.first("to").orElse(null));
        UsageReports.GroupBy groupBy;
        try {
            groupBy = UsageReports.GroupBy.valueOf(q.first("group_by").orElse("model").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("group_by", "group_by must be model, provider, day or tier.");
        }
        List<UsageReports.UsageGroup> groups = reports.usage(tenant, range[0], range[1], groupBy);
        String tenantShown = tenant;
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "usage");
            g.writeStringField("tenant", tenantShown == null ? "*" : tenantShown);
            g.writeStringField("from", range[0].toString());
            g.writeStringField("to", range[1].toString());
            g.writeStringField("group_by", groupBy.name().toLowerCase(Locale.ROOT));
            g.writeArrayFieldStart("data");
            long total = 0;
            for (UsageReports.UsageGroup u : groups) {
                total += u.costMicros();
                g.writeStartObject();
                g.writeStringField("key", u.key());
                g.writeNumberField("requests", u.requests());
                g.writeNumberField("prompt_tokens", u.promptTokens());
                g.writeNumberField("completion_tokens", u.completionTokens());
                g.writeNumberField("images", u.images());
                g.writeNumberField("audio_seconds", u.audioSeconds());
                g.writeNumberField("cost_micros", u.costMicros());
                g.writeNumberField("cost_usd", new BigDecimal(Metering.usd(u.costMicros())));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("total_cost_usd", new BigDecimal(Metering.usd(total)));
            g.writeEndObject();
        }));
    }

    /** {@code GET /aideon/v1/admin/reconciliation?from=&to=}: per provider and day, to hold against the bill. */
    void reconciliation(ServerRequest req, ServerResponse res, String requestId) {
        Auth.requireAdmin(engine, req);
        Instant[] range = range(req.query().first("from").orElse(null), req.query().first("to").orElse(null));
        List<UsageReports.ReconciliationLine> lines = reports().reconciliation(range[0], range[1]);
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "reconciliation");
            g.writeArrayFieldStart("data");
            for (UsageReports.ReconciliationLine l : lines) {
                g.writeStartObject();
                g.writeStringField("day", l.day().toString());
                g.writeStringField("provider", l.provider());
                g.writeNumberField("requests", l.requests());
                g.writeNumberField("prompt_tokens", l.promptTokens());
                g.writeNumberField("completion_tokens", l.completionTokens());
                g.writeNumberField("units", l.units());
                g.writeNumberField("cost_micros", l.costMicros());
                g.writeNumberField("cost_usd", new BigDecimal(Metering.usd(l.costMicros())));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    void conversions(ServerRequest req, ServerResponse res, String requestId) {
        Auth.requireAdmin(engine, req);
        var q = req.query();
        Instant[] range = range(q.first("from").orElse(null), q.first("to").orElse(null));
        List<ConversionEvent> events = reports().conversions(q.first("tenant").orElse(null), range[0], range[1]);
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (ConversionEvent e : events) {
                g.writeStartObject();
                g.writeStringField("at", e.at().toString());
                g.writeStringField("tenant", e.tenantId());
                g.writeStringField("tier", e.tier());
                g.writeStringField("kind", e.kind());
                g.writeStringField("asked", e.asked());
                g.writeStringField("allowing_tier", e.allowingTier());
                g.writeStringField("request_id", e.requestId());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private UsageReports reports() {
        if (engine.reports() == null) {
            throw new ApiException(503, "service_unavailable", "no_store", null,
                    "This gateway runs without a store (store: none); usage is not recorded.");
        }
        return engine.reports();
    }

    /** from/to as ISO dates (UTC days, to inclusive) or instants; default: the current UTC month. */
    static Instant[] range(String from, String to) {
        Instant now = Instant.now();
        Instant start = from == null ? LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC)
                .toInstant() : instant(from, "from", false);
        Instant end = to == null ? now.plusSeconds(1) : instant(to, "to", true);
        if (!end.isAfter(start)) {
            throw ApiException.invalid("to", "'to' must be after 'from'.");
        }
        return new Instant[]{start, end};
    }

    private static Instant instant(String text, String param, boolean endOfDay) {
        try {
            if (text.length() == 10) {
                LocalDate d = LocalDate.parse(text);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(param, "'" + param + "' must be a date (2026-11-25) or an instant "
                    + "(2026-11-25T10:00:00Z).");
        }
    }

    private static void keyInfo(JsonGenerator g, KeyInfo k) throws IOException {
        g.writeStartObject();
        g.writeStringField("key_id", k.keyId());
        g.writeStringField("tenant_id", k.tenantId());
        g.writeStringField("name", k.name());
        g.writeStringField("prefix", k.displayPrefix());
        g.writeBooleanField("admin", k.admin());
        g.writeStringField("created_at", k.createdAt().toString());
        g.writeStringField("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
        g.writeEndObject();
    }

    private static void tenant(JsonGenerator g, Tenant t) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", t.id());
        g.writeStringField("name", t.name());
        g.writeStringField("tier", t.tier());
        if (t.requestsPerMinute() != null) {
            g.writeNumberField("rpm", t.requestsPerMinute());
        }
        if (t.tokensPerMinute() != null) {
            g.writeNumberField("tpm", t.tokensPerMinute());
        }
        g.writeArrayFieldStart("overrides");
        for (Limit l : t.overrides()) {
            g.writeStartObject();
            g.writeStringField("meter", l.meter().wire());
            g.writeStringField("period", l.period().wire());
            g.writeNumberField("max", l.max());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong() || v.asLong() < 0) {
            throw ApiException.invalid(field, "'" + field + "' must be a non-negative integer.");
        }
        return v.asLong();
    }

    private static BigDecimal decimal(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw ApiException.invalid(field, "'" + field + "' must be a number.");
        }
        return v.decimalValue();
    }
}
