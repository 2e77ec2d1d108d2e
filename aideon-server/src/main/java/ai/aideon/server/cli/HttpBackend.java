package ai.aideon.server.cli;

import ai.aideon.client.admin.KeyAdmin;
import ai.aideon.core.tier.IssuedKey;
import ai.aideon.core.tier.KeyInfo;
import ai.aideon.core.tier.UsageReports;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A running gateway's admin API. Errors come back as the gateway's own messages. */
final class HttpBackend implements AdminBackend {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final String adminKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpBackend(String server, String adminKey) {
        if (adminKey == null || adminKey.isBlank()) {
            throw new IllegalArgumentException("set AIDEON_ADMIN_KEY to the gateway's admin key to use --server");
        }
        this.base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        this.adminKey = adminKey;
    }

    private JsonNode call(String method, String path, JsonNode body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminKey);
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        if (r.statusCode() >= 300) {
            throw new IllegalArgumentException("the gateway answered " + r.statusCode() + ": "
                    + json.path("error").path("message").asText(r.body()));
        }
        return json;
    }

    @Override
    public IssuedKey createKey(KeyAdmin.KeyRequest r) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("tenant", r.tenant());
        if (r.tier() != null) {
            body.put("tier", r.tier());
        }
        if (r.budgetUsd() != null) {
            body.put("budget_usd", r.budgetUsd());
        }
        if (r.requestsPerMinute() != null) {
            body.put("rpm", r.requestsPerMinute());
        }
        if (r.tokensPerMinute() != null) {
            body.put("tpm", r.tokensPerMinute());
        }
        if (r.keyName() != null) {
            body.put("name", r.keyName());
        }
        body.put("admin", r.admin());
        JsonNode res = call("POST", "/aideon/v1/admin/keys", body);
        return new IssuedKey(keyInfo(res.path("key_info")), res.path("key").asText());
    }

    @Override
    public List<KeyInfo> listKeys(String tenant) throws Exception {
        JsonNode res = call("GET", "/aideon/v1/admin/keys" + (tenant == null ? "" : "?tenant=" + enc(tenant)), null);
        List<KeyInfo> out = new ArrayList<>();
        res.path("data").forEach(k -> out.add(keyInfo(k)));
        return out;
    }

    @Override
    public void revoke(String keyId) throws Exception {
        call("POST", "/aideon/v1/admin/keys/" + enc(keyId) + "/revoke", null);
    }

    @Override
    public IssuedKey rotate(String keyId) throws Exception {
        JsonNode res = call("POST", "/aideon/v1/admin/keys/" + enc(keyId) + "/rotate", null);
        return new IssuedKey(keyInfo(res.path("key_info")), res.path("key").asText());
    }

    @Override
    public List<UsageReports.UsageGroup> usage(String tenant, Instant from, Instant to, UsageReports.GroupBy groupBy)
            throws Exception {
        String q = "?from=" + enc(from.toString()) + "&to=" + enc(to.toString()) + "&group_by="
                + groupBy.name().toLowerCase(Locale.ROOT) + "&tenant=" + enc(tenant == null ? "*" : tenant);
        JsonNode res = call("GET", "/aideon/v1/usage" + q, null);
        List<UsageReports.UsageGroup> out = new ArrayList<>();
        res.path("data").forEach(u -> out.add(new UsageReports.UsageGroup(u.path("key").asText(),
                u.path("requests").asLong(), u.path("prompt_tokens").asLong(), u.path("completion_tokens").asLong(),
                u.path("images").asLong(), u.path("audio_seconds").asLong(), u.path("cost_micros").asLong(),
                u.path("calls").asLong(), u.path("errors").asLong())));
        return out;
    }

    @Override
    public List<UsageReports.ReconciliationLine> reconciliation(Instant from, Instant to) throws Exception {
        JsonNode res = call("GET", "/aideon/v1/admin/reconciliation?from=" + enc(from.toString()) + "&to="
                + enc(to.toString()), null);
        List<UsageReports.ReconciliationLine> out = new ArrayList<>();
        res.path("data").forEach(l -> out.add(new UsageReports.ReconciliationLine(LocalDate.parse(l.path("day").asText()),
                l.path("provider").asText(), l.path("requests").asLong(), l.path("prompt_tokens").asLong(),
                l.path("completion_tokens").asLong(), l.path("units").asLong(), l.path("cost_micros").asLong())));
        return out;
    }

    private static KeyInfo keyInfo(JsonNode k) {
        return new KeyInfo(k.path("key_id").asText(), k.path("tenant_id").asText(), k.path("name").asText(),
                k.path("prefix").asText(), k.path("admin").asBoolean(), Instant.parse(k.path("created_at").asText()),
                k.path("revoked_at").isNull() || k.path("revoked_at").isMissingNode() ? null
                        : Instant.parse(k.path("revoked_at").asText()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }
}
