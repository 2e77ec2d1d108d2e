package ai.aideon.server;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.config.AideonConfig;
import ai.aideon.server.http.GatewayServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Prices reload without a restart: the admin call swaps the catalog, the next request is charged the new price. */
class PriceReloadTest {

    @Test
    void reloadSwapsPricesAndReportsTheDiff(@TempDir Path dir) throws Exception {
        AideonConfig original = MoneyConfigs.simulated("sqlite:" + dir.resolve("a.db"), MoneyConfigs.defaultTiers(), "");
        AideonConfig doubled = AideonConfigs.withPrice(original, "cloud/llama-8b", "0.36");
        AtomicReference<AideonConfig> onDisk = new AtomicReference<>(doubled);
        try (AideonEngine engine = AideonEngine.start(original);
             GatewayServer server = GatewayServer.start(engine, "127.0.0.1", 0, Clock.systemUTC(), onDisk::get)) {
            HttpClient http = HttpClient.newHttpClient();
            BigDecimal before = cost(http, server, "same question");
            HttpResponse<String> refused = http.send(post(server, "/aideon/v1/admin/reload", "sk-test-free", ""),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(403);
            HttpResponse<String> r = http.send(post(server, "/aideon/v1/admin/reload", MoneyConfigs.ADMIN, ""),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode body = GatewayFixture.JSON.readTree(r.body());
            assertThat(body.path("changes").toString()).contains("cloud/llama-8b").contains("price");
            BigDecimal after = cost(http, server, "same question");
            // same deterministic answer, twice the price (costs round up to whole micro-dollars)
            assertThat(after.movePointRight(6).longValueExact())
                    .isBetween(2 * before.movePointRight(6).longValueExact() - 1, 2 * before.movePointRight(6).longValueExact());
        }
    }

    private static BigDecimal cost(HttpClient http, GatewayServer server, String question) throws Exception {
        HttpResponse<String> r = http.send(post(server, "/v1/chat/completions", "sk-test-free",
                GatewayFixture.chatBody("aideon/text", question)), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new BigDecimal(r.headers().firstValue("x-aideon-cost-usd").orElseThrow());
    }

    private static HttpRequest post(GatewayServer server, String path, String key, String body) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
