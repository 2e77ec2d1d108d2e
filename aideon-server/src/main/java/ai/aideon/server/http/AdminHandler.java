package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.admin.KeyAdmin;
import ai.aideon.client.config.ClientKey;
import ai.aideon.client.config.TierPolicy;
import ai.aideon.client.metering.Metering;
import ai.aideon.core.tier.ConversionEvent;
import ai.aideon.core.tier.IssuedKey;
import ai.aideon.core.tier.KeyInfo;
import ai.aideon.core.tier.Limit;
import ai.aideon.core.tier.Meter;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.tier.Tenant;
import ai.aideon.core.tier.UsageReports;
import ai.aideon.core.tier.UsageRow;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

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

    /**
     * The store's tenants ({@code "source":"store"}), then the tenants of the config file's client keys
     * ({@code "source":"config"}: demo keys, keys from the environment), each with the limits in force: its tier's,
     * with its own overrides in their place.
     */
    void tenants(ServerRequest req, ServerResponse res, String requestId) {
        Auth.requireAdmin(engine, req);
        List<Tenant> tenants = admin().tenants();
        Map<String, ClientKey> configured = new LinkedHashMap<>();
        for (ClientKey k : engine.config().clients()) {
            configured.putIfAbsent(k.tenant(), k);
        }
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (Tenant t : tenants) {
                tenantWithLimits(g, t, "store", false);
            }
            for (ClientKey k : configured.values()) {
                // The operator's own key has no tier; its requests are metered under tier "admin", unlimited.
                tenantWithLimits(g, new Tenant(k.tenant(), k.tenant(), k.tier() == null ? "admin" : k.tier(),
                        List.of(), null, null, Instant.EPOCH), "config", k.admin());
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private void tenantWithLimits(JsonGenerator g, Tenant t, String source, boolean admin) throws IOException {
        Principal effective = AideonEngine.principal(engine.config(), t, null, admin);
        g.writeStartObject();
        tenantFields(g, t);
        g.writeStringField("source", source);
        g.writeBooleanField("admin", admin);
        g.writeObjectFieldStart("effective");
        g.writeNumberField("rpm", effective.requestsPerMinute());
        g.writeNumberField("tpm", effective.tokensPerMinute());
        limits(g, "limits", effective.limits());
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * {@code tenant=} of an admin's report: {@code *} for everyone, else a store tenant's name or id, else taken as a
     * tenant id as the ledger has it (tenants of config-file keys are not in the store).
     */
    private String tenantFilter(String asked) {
        return "*".equals(asked) ? null : admin().tenant(asked).map(Tenant::id).orElse(asked);
    }

    /** {@code GET /aideon/v1/usage?from=&to=&group_by=model|provider|day|tier|tenant|source[&tenant=]}. */
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
            tenant = tenantFilter(q.get("tenant"));
        } else if (p.admin()) {
            tenant = null;
        }
        Instant[] range = range(q.first("from").orElse(null), q.first("to").orElse(null));
        UsageReports.GroupBy groupBy;
        try {
            groupBy = UsageReports.GroupBy.valueOf(q.first("group_by").orElse("model").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("group_by", "group_by must be model, provider, day, tier, tenant or source.");
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
                g.writeNumberField("calls", u.calls());
                g.writeNumberField("errors", u.errors());
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

    /**
     * {@code GET /aideon/v1/admin/conversions?from=&to=[&tenant=][&group_by=tier]}: the events, or with
     * {@code group_by=tier} the upgrade funnel (events and distinct tenants per tier and kind).
     */
    void conversions(ServerRequest req, ServerResponse res, String requestId) {
        Auth.requireAdmin(engine, req);
        var q = req.query();
        Instant[] range = range(q.first("from").orElse(null), q.first("to").orElse(null));
        if (q.contains("group_by")) {
            if (!"tier".equals(q.get("group_by"))) {
                throw ApiException.invalid("group_by", "group_by must be tier (or left out for the events).");
            }
            funnel(res, q.first("tenant").map(this::tenantFilter).orElse(null), range);
            return;
        }
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

    private void funnel(ServerResponse res, String tenant, Instant[] range) {
        List<UsageReports.ConversionCount> counts = reports().conversionFunnel(tenant, range[0], range[1]);
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "conversion_funnel");
            g.writeStringField("from", range[0].toString());
            g.writeStringField("to", range[1].toString());
            g.writeArrayFieldStart("data");
            for (UsageReports.ConversionCount c : counts) {
                g.writeStartObject();
                g.writeStringField("tier", c.tier());
                g.writeStringField("kind", c.kind());
                g.writeNumberField("events", c.events());
                g.writeNumberField("tenants", c.tenants());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    /** The most rows one {@code GET /aideon/v1/admin/requests} returns: a screenful of live traffic, not an export. */
    static final int MAX_RECENT = 500;

    /** {@code GET /aideon/v1/admin/requests?limit=50[&tenant=]}: the ledger's newest rows, newest first. */
    void requests(ServerRequest req, ServerResponse res, String requestId) {
        Auth.requireAdmin(engine, req);
        var q = req.query();
        int limit = recentLimit(q.first("limit").orElse(null));
        String tenant = q.first("tenant").map(this::tenantFilter).orElse(null);
        List<UsageRow> rows = reports().recentRequests(tenant, limit);
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (UsageRow r : rows) {
                g.writeStartObject();
                g.writeStringField("request_id", r.requestId());
                g.writeStringField("client_request_id", r.clientRequestId());
                g.writeStringField("created_at", r.createdAt().toString());
                g.writeStringField("tenant", r.tenantId());
                g.writeStringField("key_id", r.keyId());
                g.writeStringField("tier", r.tier());
                g.writeStringField("route", r.route());
                g.writeStringField("provider", r.provider());
                g.writeStringField("model", r.model());
                g.writeStringField("source", r.source());
                g.writeNumberField("attempts", r.attempts());
                g.writeNumberField("prompt_tokens", r.promptTokens());
                g.writeNumberField("completion_tokens", r.completionTokens());
                g.writeNumberField("images", r.usage().images());
                g.writeNumberField("audio_seconds", r.usage().audioSeconds());
                g.writeNumberField("cost_micros", r.usage().costMicros());
                g.writeNumberField("cost_usd", new BigDecimal(Metering.usd(r.usage().costMicros())));
                g.writeNumberField("latency_ms", r.latencyMillis());
                g.writeNumberField("status", r.status());
                g.writeStringField("error_kind", r.errorKind());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    static int recentLimit(String text) {
        if (text == null) {
            return 50;
        }
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 1 && limit <= MAX_RECENT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below, like an out-of-range number
        }
        throw ApiException.invalid("limit", "'limit' must be a whole number from 1 to " + MAX_RECENT + ".");
    }

    /**
     * {@code GET /aideon/v1/admin/tiers}: each configured tier's routes (empty = every route whose plans name it),
     * rate limits (0 = unlimited), quotas and budget, and where its users are sent to upgrade.
     */
    void tiers(ServerRequest req, ServerResponse res, String requestId) {
        Auth.requireAdmin(engine, req);
        var tiers = new TreeMap<>(engine.config().tiers());
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (TierPolicy t : tiers.values()) {
                g.writeStartObject();
                g.writeStringField("name", t.name());
                g.writeArrayFieldStart("routes");
                for (String r : new TreeSet<>(t.routes())) {
                    g.writeString(r);
                }
                g.writeEndArray();
                g.writeNumberField("rpm", t.requestsPerMinute());
                g.writeNumberField("tpm", t.tokensPerMinute());
                limits(g, "limits", t.limits());
                g.writeStringField("upgrade_to", t.upgradeTo());
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
        tenantFields(g, t);
        g.writeEndObject();
    }

    private static void tenantFields(JsonGenerator g, Tenant t) throws IOException {
        g.writeStringField("id", t.id());
        g.writeStringField("name", t.name());
        g.writeStringField("tier", t.tier());
        if (t.requestsPerMinute() != null) {
            g.writeNumberField("rpm", t.requestsPerMinute());
        }
        if (t.tokensPerMinute() != null) {
            g.writeNumberField("tpm", t.tokensPerMinute());
        }
        limits(g, "overrides", t.overrides());
    }

    /** {@code [{"meter","period","max"}]}, a budget ({@code cost_micros}) also as {@code max_usd}. */
    private static void limits(JsonGenerator g, String field, List<Limit> limits) throws IOException {
        g.writeArrayFieldStart(field);
        for (Limit l : limits) {
            g.writeStartObject();
            g.writeStringField("meter", l.meter().wire());
            g.writeStringField("period", l.period().wire());
            g.writeNumberField("max", l.max());
            if (l.meter() == Meter.COST_MICROS) {
                g.writeNumberField("max_usd", new BigDecimal(Metering.usd(l.max())));
            }
            g.writeEndObject();
        }
        g.writeEndArray();
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
