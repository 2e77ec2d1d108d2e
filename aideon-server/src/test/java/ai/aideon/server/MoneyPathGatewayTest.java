package ai.aideon.server;

import ai.aideon.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static ai.aideon.server.GatewayFixture.chatBody;
import static ai.aideon.server.GatewayFixture.events;
import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Tiers, keys, quotas, budgets and the ledger through the real server on a SQLite store. */
class MoneyPathGatewayTest {
    @TempDir
    Path dir;
    GatewayFixture gw;

    GatewayFixture start(String tiers, String clients) throws Exception {
        gw = new GatewayFixture(MoneyConfigs.simulated("sqlite:" + dir.resolve("aideon.db"), tiers, clients));
        return gw;
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private long ledgerCostMicros(String tenant) throws Exception {
        gw.engine.syncLedger();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("aideon.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(cost_micros),0) FROM usage_ledger WHERE tenant_id = '"
                     + tenant + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private int ledgerRows(String requestId) throws Exception {
        gw.engine.syncLedger();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("aideon.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM usage_ledger WHERE client_request_id = '" + requestId + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void everyAnswerCarriesItsSettledCostAndHasALedgerRow() throws Exception {
        start(MoneyConfigs.defaultTiers(), "");
        HttpResponse<String> r = gw.post("/v1/chat/completions", "sk-test-free", chatBody("aideon/text", "price me"),
                "x-request-id", "req-cost-1");
        assertThat(r.statusCode()).isEqualTo(200);
        BigDecimal cost = new BigDecimal(r.headers().firstValue("x-aideon-cost-usd").orElseThrow());
        assertThat(cost).isPositive();
        JsonNode body = json(r);
        assertThat(body.path("usage").path("cost_usd").decimalValue()).isEqualByComparingTo(cost);
        // 0.18 USD per 1M tokens: cost = ceil(0.18 * total tokens) micro-dollars
        long tokens = body.path("usage").path("total_tokens").asLong();
        assertThat(cost.movePointRight(6).longValueExact()).isEqualTo((long) Math.ceil(0.18 * tokens));
        assertThat(ledgerRows("req-cost-1")).isEqualTo(1);
        assertThat(ledgerCostMicros("free-app")).isEqualTo(cost.movePointRight(6).longValueExact());

        String stream = "{\"model\":\"aideon/text\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"stream and price me\"}]}";
        HttpResponse<String> s = gw.post("/v1/chat/completions", "sk-test-free", stream, "x-request-id", "req-cost-2");
        List<String> ev = events(s.body());
        assertThat(ev.get(ev.size() - 1)).isEqualTo("[DONE]");
        JsonNode usage = GatewayFixture.JSON.readTree(ev.get(ev.size() - 2)).path("usage");
        assertThat(usage.path("cost_usd").decimalValue()).isPositive();
        assertThat(ledgerRows("req-cost-2")).isEqualTo(1);
    }

    @Test
    void aCallerRepeatingItsRequestIdGetsEveryRequestMeteredAndTheIdEchoed() throws Exception {
        // Retries, proxies that reuse ids, or a client hoping to dodge metering: the ledger must not merge them.
        start(MoneyConfigs.defaultTiers(), "");
        HttpResponse<String> first = gw.post("/v1/chat/completions", "sk-test-free", chatBody("aideon/text", "one"),
                "x-request-id", "same-id");
        HttpResponse<String> second = gw.post("/v1/chat/completions", "sk-test-free", chatBody("aideon/text", "two"),
                "x-request-id", "same-id");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        for (HttpResponse<String> r : List.of(first, second)) {
            assertThat(r.headers().firstValue("x-client-request-id")).hasValue("same-id");
            assertThat(r.headers().firstValue("x-request-id").orElseThrow()).startsWith("req_");
        }
        assertThat(first.headers().firstValue("x-request-id")).isNotEqualTo(second.headers().firstValue("x-request-id"));

        assertThat(ledgerRows("same-id")).as("both requests have their row").isEqualTo(2);
        long charged = micros(first) + micros(second);
        assertThat(charged).isPositive();
        assertThat(ledgerCostMicros("free-app")).as("both are charged").isEqualTo(charged);
        // an id that is not sane is not echoed (nor recorded); the gateway's own id is still there
        HttpResponse<String> odd = gw.post("/v1/chat/completions", "sk-test-free", chatBody("aideon/text", "three"),
                "x-request-id", "not sane; <script>");
        assertThat(odd.headers().firstValue("x-client-request-id")).isEmpty();
        assertThat(odd.headers().firstValue("x-request-id")).isPresent();
    }

    private static long micros(HttpResponse<String> r) {
        return new BigDecimal(r.headers().firstValue("x-aideon-cost-usd").orElseThrow()).movePointRight(6)
                .longValueExact();
    }

    @Test
    void freeKeyAskingForAPremiumModelIsAConversionPoint() throws Exception {
        start(MoneyConfigs.defaultTiers(), "");
        HttpResponse<String> r = gw.post("/v1/chat/completions", "sk-test-free", chatBody("cloud/big", "hi"));
        assertThat(r.statusCode()).isEqualTo(403);
        JsonNode err = json(r).path("error");
        assertThat(err.path("code").asText()).isEqualTo("upgrade_required");
        assertThat(err.path("message").asText()).contains("premium").contains("https://example.test/upgrade");
        // a route outside the tier's routes is refused the same way
        HttpResponse<String> code = gw.post("/v1/chat/completions", "sk-test-free", chatBody("aideon/code", "hi"));
        assertThat(code.statusCode()).isEqualTo(403);
        assertThat(json(code).path("error").path("code").asText()).isEqualTo("upgrade_required");
        awaitConversions("free-app", 2);
        var events = gw.engine.reports().conversions("free-app", Instant.EPOCH, Instant.now().plusSeconds(5));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("upgrade_required");
            assertThat(e.asked()).isEqualTo("cloud/big");
            assertThat(e.allowingTier()).isEqualTo("premium");
            assertThat(e.tier()).isEqualTo("free");
        });
    }

    private void awaitConversions(String tenant, int n) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (gw.engine.reports().conversions(tenant, Instant.EPOCH, Instant.now().plusSeconds(5)).size() >= n) {
                return;
            }
            Thread.sleep(20);
        }
    }

    @Test
    void quotaHitIs429WithResetTimeAndBudgetHitIs402() throws Exception {
        start("""
                  free:
                    quotas:
                      daily: {requests: 2}
                    upgrade_to: premium
                  premium:
                    budget: {usd: 0.000010, period: month}""", "");
        assertThat(gw.post("/v1/chat/completions", "sk-test-free", chatBody("aideon/text", "one")).statusCode()).isEqualTo(200);
        assertThat(gw.post("/v1/chat/completions", "sk-test-free", chatBody("aideon/text", "two")).statusCode()).isEqualTo(200);
        HttpResponse<String> third = gw.post("/v1/chat/completions", "sk-test-free", chatBody("aideon/text", "three"));
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(json(third).path("error").path("code").asText()).isEqualTo("quota_exceeded");
        long retryAfter = Long.parseLong(third.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, Duration.ofDays(1).toSeconds());

        // $0.00001 = 10 micro-dollars cannot cover a worst case on the priced model, which has no cheaper fallback
        HttpResponse<String> broke = gw.post("/v1/chat/completions", "sk-test-premium",
                chatBody("cloud/big", "this needs more than ten micro-dollars"));
        assertThat(broke.statusCode()).isEqualTo(402);
        JsonNode err = json(broke).path("error");
        assertThat(err.path("code").asText()).isEqualTo("budget_exceeded");
        assertThat(broke.headers().firstValue("retry-after")).isPresent();
        // a budget refuses what it cannot pay for, not everything: asked for the priced model, the plan keeps only
        // the free local fallback that still fits
        HttpResponse<String> affordable = gw.post("/v1/chat/completions", "sk-test-premium",
                chatBody("cloud/llama-8b", "free lunch"));
        assertThat(affordable.statusCode()).isEqualTo(200);
        assertThat(affordable.headers().firstValue("x-aideon-model")).hasValue("local/small");
        awaitConversions("free-app", 1);
        assertThat(gw.engine.reports().conversions(null, Instant.EPOCH, Instant.now().plusSeconds(5)))
                .extracting(e -> e.kind()).contains("quota_exceeded", "budget_exceeded");
    }

    @Test
    void aThousandConcurrentRequestsNeverOverspendABudget() throws Exception {
        start("""
                  free:
                    budget: {usd: 0.05, period: month}
                  premium:
                    budget: {usd: 100, period: month}""", "");
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        // A long prompt makes each request cost ~tens of micro-dollars so the budget runs out mid-way.
        String prompt = "budget ".repeat(300);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 1000; i++) {
                futures.add(pool.submit(() -> {
                    HttpResponse<String> r = gw.post("/v1/chat/completions", "sk-test-free",
                            "{\"model\":\"aideon/text\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\""
                                    + prompt + "\"}]}");
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                    } else if (r.statusCode() == 402) {
                        refused.incrementAndGet();
                    } else {
                        throw new AssertionError(r.statusCode() + " " + r.body());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        long spent = ledgerCostMicros("free-app");
        System.out.printf("sqlite: %d answered, %d refused (402), ledger spend %d of 50000 micro-dollars%n",
                ok.get(), refused.get(), spent);
        assertThat(spent).isLessThanOrEqualTo(50_000);
        assertThat(ok.get()).isPositive();
        assertThat(refused.get()).isPositive();
        assertThat(ok.get() + refused.get()).isEqualTo(1000);
        // every delivered answer is in the ledger
        gw.engine.syncLedger();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("aideon.db"));
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM usage_ledger WHERE tenant_id = 'free-app' AND status = 200")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(ok.get());
        }
    }

    @Test
    void keysAreCreatedHashedRevokedAndTenantsSeeOnlyTheirOwnUsage() throws Exception {
        start(MoneyConfigs.defaultTiers(), "");
        HttpResponse<String> created = gw.post("/aideon/v1/admin/keys", MoneyConfigs.ADMIN,
                "{\"tenant\":\"acme\",\"tier\":\"free\",\"budget_usd\":0.25}");
        assertThat(created.statusCode()).isEqualTo(201);
        String key = json(created).path("key").asText();
        String keyId = json(created).path("key_info").path("key_id").asText();
        assertThat(key).startsWith("sk-aideon-");
        assertThat(gw.post("/v1/chat/completions", key, chatBody("aideon/text", "hello from acme")).statusCode()).isEqualTo(200);
        assertThat(gw.post("/v1/chat/completions", "sk-test-free", chatBody("aideon/text", "hello from free-app")).statusCode()).isEqualTo(200);

        // the key is stored only as a salted hash: nothing in the database file contains it
        byte[] dbBytes = java.nio.file.Files.readAllBytes(dir.resolve("aideon.db"));
        String secretPart = key.substring(key.indexOf('_') + 1);
        assertThat(new String(dbBytes, StandardCharsets.ISO_8859_1)).doesNotContain(secretPart);

        // tenant isolation: acme sees only acme; asking for another tenant is refused
        JsonNode usage = json(gw.get("/aideon/v1/usage?group_by=model", key));
        assertThat(usage.path("tenant").asText()).isNotEqualTo("free-app");
        assertThat(usage.path("data")).hasSize(1);
        assertThat(gw.get("/aideon/v1/usage?tenant=free-app", key).statusCode()).isEqualTo(403);
        // the admin sees everyone
        JsonNode all = json(gw.get("/aideon/v1/usage?group_by=tier", MoneyConfigs.ADMIN));
        assertThat(all.path("data").size()).isGreaterThanOrEqualTo(1);
        assertThat(gw.get("/aideon/v1/admin/keys", key).statusCode()).isEqualTo(403);

        // the operator moves acme to premium with a bigger budget: the same key gets the new tier at once
        HttpResponse<String> upgraded = gw.post("/aideon/v1/admin/tenants", MoneyConfigs.ADMIN,
                "{\"name\":\"acme\",\"tier\":\"premium\",\"budget_usd\":20}");
        assertThat(upgraded.statusCode()).isEqualTo(200);
        assertThat(json(upgraded).path("tier").asText()).isEqualTo("premium");
        assertThat(gw.post("/v1/chat/completions", key, chatBody("cloud/big", "now premium")).statusCode()).isEqualTo(200);
        assertThat(json(gw.get("/aideon/v1/admin/tenants", MoneyConfigs.ADMIN)).path("data").toString()).contains("acme");

        assertThat(gw.post("/aideon/v1/admin/keys/" + keyId + "/revoke", MoneyConfigs.ADMIN, "").statusCode()).isEqualTo(200);
        assertThat(gw.post("/v1/chat/completions", key, chatBody("aideon/text", "still here?")).statusCode()).isEqualTo(401);
    }

    @Test
    void estimateShowsThePlanAndTheCostRange() throws Exception {
        start(MoneyConfigs.defaultTiers(), "");
        HttpResponse<String> r = gw.post("/aideon/v1/estimate", "sk-test-premium",
                "{\"model\":\"aideon/text\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode c = json(r).path("candidates");
        assertThat(c.get(0).path("cost_usd").path("high").decimalValue()).isZero(); // the local model is free
        JsonNode cloud = c.get(1).path("cost_usd");
        assertThat(cloud.path("high").decimalValue()).isGreaterThan(cloud.path("low").decimalValue());
    }

    @Test
    void noKeyEverAppearsInTheLogs() throws Exception {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(tee);
        System.setOut(tee);
        try {
            start(MoneyConfigs.defaultTiers(), "");
            gw.post("/v1/chat/completions", "sk-test-free", chatBody("aideon/text", "hello"));
            gw.post("/v1/chat/completions", "sk-wrong-but-secret-123", chatBody("aideon/text", "hello"));
            gw.post("/v1/chat/completions", "sk-test-free", "{broken");
            gw.engine.simulators().values().forEach(s -> s.setDown(true));
            gw.post("/v1/chat/completions", "sk-test-premium", chatBody("aideon/text", "hello"));
            HttpResponse<String> k = gw.post("/aideon/v1/admin/keys", MoneyConfigs.ADMIN, "{\"tenant\":\"t2\",\"tier\":\"free\"}");
            String issued = json(k).path("key").asText();
            gw.post("/v1/chat/completions", issued, chatBody("aideon/text", "hello"));
            gw.close();
            gw = null;
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).doesNotContain("sk-test-free").doesNotContain("sk-test-premium")
                .doesNotContain("sk-wrong-but-secret-123").doesNotContain(MoneyConfigs.ADMIN);
    }
}
