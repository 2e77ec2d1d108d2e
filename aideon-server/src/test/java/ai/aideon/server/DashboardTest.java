package ai.aideon.server;

import ai.aideon.client.DemoMode;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static ai.aideon.server.GatewayFixture.chatBody;
import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's files as the gateway serves them, and the admin API it reads (recent requests, tiers, tenants,
 * funnel, health), through the real server with the demo configuration.
 */
class DashboardTest {
    static final String ADMIN = DemoMode.ADMIN_KEY;
    static final String PREMIUM = DemoMode.PREMIUM_KEY;
    static final String FREE = DemoMode.FREE_KEY;
    static final Pattern LOCAL_REFERENCE = Pattern.compile("(?:src|href)=\"(/dashboard/[^\"#?]+)\"");
    static final Pattern MODULE_IMPORT = Pattern.compile("from\\s+'\\./([^']+)'");
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayFixture.demo();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** The page and every file it pulls in (links, scripts, module imports), found by following the references. */
    static Map<String, HttpResponse<String>> servedFiles() throws Exception {
        Map<String, HttpResponse<String>> files = new LinkedHashMap<>();
        Deque<String> todo = new ArrayDeque<>(List.of("/dashboard"));
        while (!todo.isEmpty()) {
            String path = todo.pop();
            if (files.containsKey(path)) {
                continue;
            }
            HttpResponse<String> r = gw.get(path, null);
            files.put(path, r);
            Matcher refs = LOCAL_REFERENCE.matcher(r.body());
            while (refs.find()) {
                todo.add(refs.group(1));
            }
            Matcher imports = MODULE_IMPORT.matcher(r.body());
            while (imports.find()) {
                todo.add("/dashboard/" + imports.group(1));
            }
        }
        return files;
    }

    @Test
    void thePageAndEveryFileItUsesAreServedWithTheirTypeAndStrictHeadersWithoutAKey() throws Exception {
        Map<String, HttpResponse<String>> files = servedFiles();

        assertThat(files.keySet()).contains("/dashboard", "/dashboard/app.js", "/dashboard/dashboard.css",
                "/dashboard/favicon.svg", "/dashboard/api.js", "/dashboard/traffic.js");
        files.forEach((path, r) -> {
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String type = r.headers().firstValue("content-type").orElse("");
            String expected = path.equals("/dashboard") ? "text/html; charset=utf-8"
                    : path.endsWith(".js") ? "text/javascript; charset=utf-8"
                    : path.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
            assertThat(type).as(path).isEqualTo(expected);
            String csp = r.headers().firstValue("content-security-policy").orElse("");
            assertThat(csp).as(path).contains("default-src 'none'", "script-src 'self'", "style-src 'self'",
                    "connect-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(r.headers().firstValue("x-content-type-options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("cache-control")).as(path).hasValue("no-cache");
            assertThat(r.headers().firstValue("etag")).as(path).isPresent();
        });
        assertThat(gw.get("/dashboard/", null).body()).isEqualTo(files.get("/dashboard").body());
    }

    @Test
    void noServedFileHoldsASecretInlineCodeOrAThirdPartyAddress() throws Exception {
        Map<String, HttpResponse<String>> files = servedFiles();

        for (Map.Entry<String, HttpResponse<String>> f : files.entrySet()) {
            String body = f.getValue().body();
            assertThat(body).as(f.getKey()).doesNotContain(ADMIN, PREMIUM, FREE, "sk-aideon-", "sk-test-");
            // Nothing but this origin: no CDN, fonts or analytics (the namespace URI names SVG, it loads nothing).
            assertThat(body.replace("http://www.w3.org/2000/svg", "")).as(f.getKey())
                    .doesNotContainPattern("https?://");
            assertThat(body).as(f.getKey()).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML",
                    "document.write", "eval(");
        }
        String html = files.get("/dashboard").body();
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
                .doesNotContainPattern("\\son[a-z]+=")
                .doesNotContainPattern("\\sstyle=");
    }

    @Test
    void anUnchangedFileIsRevalidatedWithA304() throws Exception {
        HttpResponse<String> first = gw.get("/dashboard/app.js", null);
        String etag = first.headers().firstValue("etag").orElseThrow();

        HttpResponse<String> again = gw.http.send(HttpRequest.newBuilder(URI.create(gw.base() + "/dashboard/app.js"))
                .header("If-None-Match", etag).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        HttpResponse<String> changed = gw.http.send(HttpRequest.newBuilder(URI.create(gw.base()
                + "/dashboard/app.js")).header("If-None-Match", "\"other\"").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).isEqualTo(first.body());
    }

    @Test
    void anUnknownFileIsA404InTheErrorEnvelope() throws Exception {
        for (String path : List.of("/dashboard/nope.js", "/dashboard/app.exe", "/dashboard/APP.JS",
                "/dashboard/.app.js", "/dashboard/sub/app.js")) {
            HttpResponse<String> r = gw.get(path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(json(r).path("error").path("code").asText()).as(path).isEqualTo("unknown_url");
            assertThat(r.headers().firstValue("content-security-policy")).as(path).isPresent();
        }
    }

    @Test
    void pathTraversalNeverReachesAFileOutsideTheDashboard() throws Exception {
        // logging.properties sits next to the dashboard folder on the classpath: the nearest thing to reach.
        String neighbour;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("ai/aideon/server/logging.properties")) {
            neighbour = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow();
        }
        for (String path : List.of("/dashboard/../logging.properties", "/dashboard/..%2flogging.properties",
                "/dashboard/%2e%2e/logging.properties", "/dashboard/%2e%2e%2flogging.properties",
                "/dashboard/..%5clogging.properties", "/dashboard/..;/logging.properties",
                "/dashboard/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/dashboard/app.js%00.html",
                "/dashboard/%252e%252e%252flogging.properties", "/dashboard/....//logging.properties")) {
            String response = rawGet(path);
            int status = Integer.parseInt(response.substring(9, 12));
            assertThat(status).as(path).isIn(400, 404);
            assertThat(response).as(path).doesNotContain(neighbour).doesNotContain("root:x:0:0");
        }
    }

    @Test
    void recentRequestsNeedAnAdminKey() throws Exception {
        HttpResponse<String> client = gw.get("/aideon/v1/admin/requests", PREMIUM);
        assertThat(client.statusCode()).isEqualTo(403);
        JsonNode error = json(client).path("error");
        assertThat(error.path("type").asText()).isEqualTo("permission_error");
        assertThat(error.path("code").asText()).isEqualTo("admin_required");
        assertThat(error.path("message").asText()).isNotBlank();

        HttpResponse<String> anonymous = gw.get("/aideon/v1/admin/requests", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(json(anonymous).path("error").path("code").asText()).isEqualTo("missing_api_key");

        HttpResponse<String> wrong = gw.get("/aideon/v1/admin/requests", "sk-not-a-key");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).path("error").path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(wrong.body()).doesNotContain("sk-not-a-key");

        // A client key cannot reach another tenant through the client-facing usage API either, whatever it groups by.
        HttpResponse<String> other = gw.get("/aideon/v1/usage?tenant=demo-premium", FREE);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(json(other).path("error").path("param").asText()).isEqualTo("tenant");
        gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "premium row"));
        gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "free row"));
        for (String groupBy : List.of("tenant", "source", "model")) {
            HttpResponse<String> own = gw.get("/aideon/v1/usage?group_by=" + groupBy, FREE);
            assertThat(own.statusCode()).isEqualTo(200);
            assertThat(json(own).path("tenant").asText()).isEqualTo("demo-free");
            if (groupBy.equals("tenant")) {
                assertThat(json(own).path("data")).extracting(n -> n.path("key").asText())
                        .containsOnly("demo-free");
            }
        }
    }

    @Test
    void recentRequestsShowTheRowsJustWrittenNewestFirst() throws Exception {
        HttpResponse<String> premium = gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "tides?"));
        HttpResponse<String> free = gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "waves?"));
        assertThat(premium.statusCode()).isEqualTo(200);
        assertThat(free.statusCode()).isEqualTo(200);
        String premiumId = premium.headers().firstValue("x-request-id").orElseThrow();
        String freeId = free.headers().firstValue("x-request-id").orElseThrow();

        // Read at once: the endpoint syncs the ledger's journal first, so rows answered a moment ago are there.
        HttpResponse<String> r = gw.get("/aideon/v1/admin/requests?limit=2", ADMIN);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode rows = json(r).path("data");
        assertThat(rows).hasSize(2);
        JsonNode newest = rows.get(0);
        assertThat(newest.path("request_id").asText()).isEqualTo(freeId);
        assertThat(newest.path("tenant").asText()).isEqualTo("demo-free");
        assertThat(newest.path("tier").asText()).isEqualTo("free");
        assertThat(newest.path("route").asText()).isEqualTo("aideon/text");
        assertThat(newest.path("provider").asText()).isEqualTo(free.headers().firstValue("x-aideon-provider")
                .orElseThrow());
        assertThat(newest.path("model").asText()).isEqualTo(free.headers().firstValue("x-aideon-model").orElseThrow());
        assertThat(newest.path("source").asText()).isEqualTo("cloud");
        assertThat(newest.path("status").asInt()).isEqualTo(200);
        assertThat(newest.path("error_kind").isNull()).isTrue();
        assertThat(newest.path("cost_usd").decimalValue()).isEqualByComparingTo(
                free.headers().firstValue("x-aideon-cost-usd").orElseThrow());
        assertThat(newest.path("cost_micros").asLong()).isPositive();
        assertThat(newest.path("prompt_tokens").asLong() + newest.path("completion_tokens").asLong())
                .isEqualTo(json(free).path("usage").path("total_tokens").asLong());
        assertThat(newest.path("latency_ms").asLong()).isNotNegative();
        assertThat(newest.path("key_id").asText()).isEqualTo("cfg:demo-free");
        assertThat(rows.get(1).path("request_id").asText()).isEqualTo(premiumId);
        assertThat(rows.get(1).path("source").asText()).isEqualTo("local");
        assertThat(r.body()).doesNotContain(PREMIUM, FREE, ADMIN);
    }

    @Test
    void recentRequestsOfOneTenantHoldNoOtherTenantsRows() throws Exception {
        gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "mine"));
        gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "theirs"));

        JsonNode free = json(gw.get("/aideon/v1/admin/requests?tenant=demo-free&limit=500", ADMIN)).path("data");
        JsonNode premium = json(gw.get("/aideon/v1/admin/requests?tenant=demo-premium&limit=500", ADMIN)).path("data");
        JsonNode everyone = json(gw.get("/aideon/v1/admin/requests?tenant=*&limit=500", ADMIN)).path("data");

        assertThat(free).isNotEmpty().allSatisfy(row -> assertThat(row.path("tenant").asText()).isEqualTo("demo-free"));
        assertThat(premium).isNotEmpty()
                .allSatisfy(row -> assertThat(row.path("tenant").asText()).isEqualTo("demo-premium"));
        assertThat(everyone.size()).isGreaterThanOrEqualTo(free.size() + premium.size());
        assertThat(json(gw.get("/aideon/v1/admin/requests?tenant=nobody", ADMIN)).path("data")).isEmpty();
        // A client key is refused even when it names its own tenant: the endpoint is for operators.
        assertThat(gw.get("/aideon/v1/admin/requests?tenant=demo-free", FREE).statusCode()).isEqualTo(403);
    }

    @Test
    void aBadLimitIsA400NamingTheParameter() throws Exception {
        for (String limit : List.of("0", "-1", "501", "abc", "1.5", "", "99999999999")) {
            HttpResponse<String> r = gw.get("/aideon/v1/admin/requests?limit=" + limit, ADMIN);
            assertThat(r.statusCode()).as(limit).isEqualTo(400);
            JsonNode error = json(r).path("error");
            assertThat(error.path("type").asText()).as(limit).isEqualTo("invalid_request_error");
            assertThat(error.path("param").asText()).as(limit).isEqualTo("limit");
            assertThat(error.path("message").asText()).as(limit).contains("1 to 500");
        }
        gw.post("/v1/chat/completions", PREMIUM, chatBody("aideon/text", "one"));
        assertThat(json(gw.get("/aideon/v1/admin/requests?limit=1", ADMIN)).path("data")).hasSize(1);
        assertThat(json(gw.get("/aideon/v1/admin/requests?limit=500", ADMIN)).path("data").size()).isBetween(1, 500);
    }

    @Test
    void usageBySourceCountsCallsAndErrors() throws Exception {
        JsonNode before = bySource(json(gw.get("/aideon/v1/usage?group_by=source&tenant=demo-free", ADMIN)));
        gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "counted"));
        gw.engine.simulators().get("together").setDown(true);
        HttpResponse<String> failed;
        try {
            failed = gw.post("/v1/chat/completions", FREE, chatBody("aideon/text", "fails"));
        } finally {
            gw.engine.simulators().get("together").setDown(false);
        }
        assertThat(failed.statusCode()).isGreaterThanOrEqualTo(500);

        JsonNode after = bySource(json(gw.get("/aideon/v1/usage?group_by=source&tenant=demo-free", ADMIN)));

        assertThat(after.path("cloud").path("calls").asLong() - before.path("cloud").path("calls").asLong())
                .isEqualTo(1);
        assertThat(after.path("cloud").path("requests").asLong() - before.path("cloud").path("requests").asLong())
                .isEqualTo(1);
        // The failure has no source: nothing answered it. It is a call and an error, not a metered request.
        assertThat(after.path("unknown").path("calls").asLong() - before.path("unknown").path("calls").asLong())
                .isEqualTo(1);
        assertThat(after.path("unknown").path("errors").asLong() - before.path("unknown").path("errors").asLong())
                .isEqualTo(1);
        assertThat(after.path("unknown").path("requests").asLong()).isZero();
        HttpResponse<String> bad = gw.get("/aideon/v1/usage?group_by=colour", ADMIN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("error").path("message").asText()).contains("tenant or source");
    }

    private static JsonNode bySource(JsonNode usage) {
        var out = GatewayFixture.JSON.createObjectNode();
        usage.path("data").forEach(g -> out.set(g.path("key").asText(), g));
        return out;
    }

    @Test
    void tiersAndTenantsShowTheLimitsInForce() throws Exception {
        JsonNode tiers = json(gw.get("/aideon/v1/admin/tiers", ADMIN)).path("data");
        assertThat(tiers).extracting(t -> t.path("name").asText()).containsExactly("free", "premium");
        JsonNode free = tiers.get(0);
        assertThat(free.path("upgrade_to").asText()).isEqualTo("premium");
        JsonNode budget = budget(free.path("limits"));
        assertThat(budget.path("max_usd").decimalValue()).isEqualByComparingTo(
                new java.math.BigDecimal(budget.path("max").asLong()).movePointLeft(6));
        assertThat(gw.get("/aideon/v1/admin/tiers", PREMIUM).statusCode()).isEqualTo(403);

        JsonNode tenants = json(gw.get("/aideon/v1/admin/tenants", ADMIN)).path("data");
        JsonNode demoFree = null;
        for (JsonNode t : tenants) {
            if (t.path("id").asText().equals("demo-free")) {
                demoFree = t;
            }
        }
        assertThat(demoFree).isNotNull();
        assertThat(demoFree.path("source").asText()).isEqualTo("config");
        assertThat(demoFree.path("tier").asText()).isEqualTo("free");
        assertThat(demoFree.path("effective").path("rpm").asLong()).isEqualTo(free.path("rpm").asLong());
        assertThat(budget(demoFree.path("effective").path("limits"))).isEqualTo(budget);
        assertThat(tenants.toString()).doesNotContain(PREMIUM, FREE, ADMIN);

        HttpResponse<String> created = gw.post("/aideon/v1/admin/tenants", ADMIN,
                "{\"name\":\"acme-dash\",\"tier\":\"free\",\"budget_usd\":2.5}");
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode acme = null;
        for (JsonNode t : json(gw.get("/aideon/v1/admin/tenants", ADMIN)).path("data")) {
            if (t.path("name").asText().equals("acme-dash")) {
                acme = t;
            }
        }
        assertThat(acme).isNotNull();
        assertThat(acme.path("source").asText()).isEqualTo("store");
        // The tenant's own budget replaces the tier's; the tier's other limits stay.
        assertThat(budget(acme.path("effective").path("limits")).path("max_usd").decimalValue())
                .isEqualByComparingTo("2.5");
        assertThat(acme.path("effective").path("limits").size()).isEqualTo(free.path("limits").size());
    }

    private static JsonNode budget(JsonNode limits) {
        for (JsonNode l : limits) {
            if (l.path("meter").asText().equals("cost_micros")) {
                return l;
            }
        }
        throw new AssertionError("no budget in " + limits);
    }

    @Test
    void theFunnelCountsRefusalsPerTierAndKind() throws Exception {
        HttpResponse<String> refused = gw.post("/v1/chat/completions", FREE, chatBody("aideon/video", "a film"));
        assertThat(refused.statusCode()).isEqualTo(403);

        // Conversion events are recorded off the request's path (they must not slow a refusal down): wait for it.
        JsonNode funnel = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            funnel = json(gw.get("/aideon/v1/admin/conversions?group_by=tier", ADMIN));
            if (funnel.path("data").size() > 0) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(funnel.path("object").asText()).isEqualTo("conversion_funnel");
        JsonNode free = funnel.path("data").get(0);
        assertThat(free.path("tier").asText()).isEqualTo("free");
        assertThat(free.path("kind").asText()).isEqualTo("upgrade_required");
        assertThat(free.path("events").asLong()).isPositive();
        assertThat(free.path("tenants").asLong()).isEqualTo(1);
        HttpResponse<String> bad = gw.get("/aideon/v1/admin/conversions?group_by=kind", ADMIN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("error").path("param").asText()).isEqualTo("group_by");
    }

    @Test
    void healthListsEveryProviderAndWhetherRoutingIsLocalOnly() throws Exception {
        JsonNode health = json(gw.get("/aideon/v1/health", ADMIN));

        assertThat(health.path("providers").path("local").path("source").asText()).isEqualTo("local");
        assertThat(health.path("providers").path("together").path("source").asText()).isEqualTo("cloud");
        assertThat(health.path("providers").path("together").path("enabled").asBoolean()).isTrue();
        assertThat(health.path("offline").asBoolean()).isFalse();
        assertThat(health.path("local_only").asBoolean()).isFalse();
        assertThat(health.path("cloud_reachable").isObject()).isTrue();
    }

    /**
     * One GET with the path exactly as given (no client-side normalisation or re-encoding): the status line, headers
     * and the Content-Length body. Read by length, since the server may keep the connection open after answering.
     */
    private static String rawGet(String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String headers = head.toString(StandardCharsets.ISO_8859_1);
            Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(headers);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
            return headers + new String(body, StandardCharsets.UTF_8);
        }
    }
}
