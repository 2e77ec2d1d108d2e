package ai.aideon.server;

import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import static ai.aideon.server.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Images on the money path: per-image reservation, the ledger row in images, image quotas and budgets. */
class ImagesMoneyGatewayTest {
    @TempDir
    Path dir;
    GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        String yaml = """
                store: "sqlite:%s"
                admin_key: sk-test-admin
                upgrade_url: https://example.test/upgrade
                providers:
                  cloud:
                    type: simulator
                    source: cloud
                    simulator: {seed: 3, first_token_latency: 0ms, token_latency: 0ms}
                models:
                  - {id: cloud/sdxl, provider: cloud, modality: image, price: {image: 0.0019}, tiers: [free, premium]}
                  - {id: cloud/playground, provider: cloud, modality: image, price: {image: 0.0050}, tiers: [premium]}
                routes:
                  - alias: aideon/image
                    modality: image
                    plans:
                      free: [{model: cloud/sdxl, role: primary}]
                      premium: [{model: cloud/sdxl, role: primary}, {model: cloud/playground, role: quality}]
                tiers:
                  free:
                    quotas:
                      daily: {images: 5}
                    budget: {usd: 1.00, period: month}
                    upgrade_to: premium
                  premium:
                    budget: {usd: 0.012, period: month}
                clients:
                  - {name: free-app, key: sk-free, tier: free, tenant: free-app}
                  - {name: premium-app, key: sk-premium, tier: premium, tenant: premium-app}
                """.formatted(dir.resolve("aideon.db"));
        AideonConfig config = new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "images-money.yaml");
        gw = new GatewayFixture(config);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private HttpResponse<String> generate(String key, int n, String extra, String requestId) throws Exception {
        return gw.post("/v1/images/generations", key, "{\"prompt\":\"a kite\",\"size\":\"64x64\",\"n\":" + n
                + ",\"response_format\":\"b64_json\"" + extra + "}", "x-request-id", requestId);
    }

    /** images, cost_micros, model, status of one ledger row. */
    private Object[] ledger(String requestId) throws Exception {
        gw.engine.syncLedger(); // rows are durable in the journal at once, in the database tables moments later
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("aideon.db"));
             PreparedStatement s = c.prepareStatement(
                     "SELECT images, cost_micros, model, status, tokens FROM usage_ledger WHERE client_request_id = ?")) {
            s.setString(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("ledger row for " + requestId).isTrue();
                return new Object[]{rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getLong(5)};
            }
        }
    }

    @Test
    void theLedgerRowCountsImagesAndCostsExactlyNTimesThePrice() throws Exception {
        HttpResponse<String> r = generate("sk-free", 3, "", "req-img-1");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("data")).hasSize(3);
        // 3 × $0.0019 = 5700 micro-dollars, no rounding anywhere
        assertThat(r.headers().firstValue("x-aideon-cost-usd")).hasValue("0.005700");
        assertThat(ledger("req-img-1")).containsExactly(3L, 5_700L, "cloud/sdxl", 200, 0L);
    }

    @Test
    void theDailyImageQuotaRefusesWhatWouldGoOverIt() throws Exception {
        assertThat(generate("sk-free", 3, "", "q1").statusCode()).isEqualTo(200);
        // 3 more would make 6 of 5: refused before any upstream call
        HttpResponse<String> over = generate("sk-free", 3, "", "q2");
        assertThat(over.statusCode()).isEqualTo(429);
        JsonNode err = json(over).path("error");
        assertThat(err.path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(err.path("message").asText()).contains("images").contains("premium");
        assertThat(over.headers().firstValue("retry-after")).isPresent();
        // what still fits is served, and then nothing more
        assertThat(generate("sk-free", 2, "", "q3").statusCode()).isEqualTo(200);
        assertThat(generate("sk-free", 1, "", "q4").statusCode()).isEqualTo(429);
        assertThat(ledger("q3")[0]).isEqualTo(2L);
    }

    @Test
    void theBudgetIsReservedForTheDearestCandidateBeforeAnyCall() throws Exception {
        // quality puts playground ($0.005) first: 3 images could cost $0.015 > the $0.012 budget
        HttpResponse<String> tooDear = generate("sk-premium", 3, ",\"quality\":\"hd\"", "b1");
        assertThat(tooDear.statusCode()).isEqualTo(402);
        assertThat(json(tooDear).at("/error/code").asText()).isEqualTo("budget_exceeded");
        // 2 fit ($0.010 reserved) and are settled at the served model's price
        HttpResponse<String> two = generate("sk-premium", 2, ",\"quality\":\"hd\"", "b2");
        assertThat(two.statusCode()).isEqualTo(200);
        assertThat(two.headers().firstValue("x-aideon-model")).hasValue("cloud/playground");
        assertThat(ledger("b2")).containsExactly(2L, 10_000L, "cloud/playground", 200, 0L);
        // $0.002 left: one image on the quality plan could cost $0.005, on the plain plan ($0.0019) it fits
        assertThat(generate("sk-premium", 1, ",\"quality\":\"hd\"", "b3").statusCode()).isEqualTo(402);
        assertThat(generate("sk-premium", 1, "", "b4").statusCode()).isEqualTo(200);
        assertThat(ledger("b4")[1]).isEqualTo(1_900L);
        // $0.0001 left
        assertThat(generate("sk-premium", 1, "", "b5").statusCode()).isEqualTo(402);
    }

    @Test
    void aFailedGenerationIsRecordedAndCostsNothing() throws Exception {
        gw.engine.simulators().get("cloud").setDown(true);
        HttpResponse<String> r = generate("sk-free", 2, "", "f1");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(ledger("f1")).containsExactly(0L, 0L, null, 503, 0L);
        gw.engine.simulators().get("cloud").setDown(false);
        // the failed request did not use up the quota
        assertThat(generate("sk-free", 5, "", "f2").statusCode()).isEqualTo(200);
    }

    @Test
    void aPremiumOnlyModelIsAnUpgradeForTheFreeTier() throws Exception {
        HttpResponse<String> r = gw.post("/v1/images/generations", "sk-free",
                "{\"model\":\"cloud/playground\",\"prompt\":\"x\",\"size\":\"64x64\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        JsonNode err = json(r).path("error");
        assertThat(err.path("code").asText()).isEqualTo("upgrade_required");
        assertThat(err.path("message").asText()).contains("https://example.test/upgrade");
    }
}
