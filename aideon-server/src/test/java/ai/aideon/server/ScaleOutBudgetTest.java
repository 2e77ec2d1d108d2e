package ai.aideon.server;

import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three gateway instances on one PostgreSQL, one tenant with a $0.05 budget, 1,000 concurrent requests spread over
 * the three: the ledger's total must not pass the budget. Each instance spends leased slices in memory; only the
 * leases go through the database.
 */
class ScaleOutBudgetTest {
    static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE aideon_scaleout");
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Test
    void threeInstancesOnePostgresNeverOverspend() throws Exception {
        String location = "postgres://postgres:postgres@localhost:" + postgres.getPort() + "/aideon_scaleout";
        AideonConfig base = MoneyConfigs.simulated(location, """
                  free:
                    budget: {usd: 0.05, period: month}
                  premium:
                    budget: {usd: 100, period: month}""", "");
        List<GatewayFixture> gateways = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                StoreConfig s = base.store();
                gateways.add(new GatewayFixture(base.withStore(new StoreConfig(s.location(), "gw-" + i,
                        s.upgradeUrl(), s.adminKey()))));
            }
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            String prompt = "budget ".repeat(300);
            List<Future<?>> futures = new ArrayList<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 1000; i++) {
                    GatewayFixture gw = gateways.get(i % 3);
                    futures.add(pool.submit(() -> {
                        HttpResponse<String> r = gw.post("/v1/chat/completions", "sk-test-free",
                                "{\"model\":\"aideon/text\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
                                        + "\"content\":\"" + prompt + "\"}]}");
                        switch (r.statusCode()) {
                            case 200 -> ok.incrementAndGet();
                            case 402 -> refused.incrementAndGet();
                            default -> throw new AssertionError(r.statusCode() + " " + r.body());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }
            try (Connection c = postgres.getDatabase("postgres", "aideon_scaleout").getConnection();
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(cost_micros),0), COUNT(*) FILTER (WHERE status = 200) "
                         + "FROM usage_ledger WHERE tenant_id = 'free-app'")) {
                rs.next();
                long spent = rs.getLong(1);
                System.out.printf("scale-out: %d answered, %d refused (402), ledger spend %d of 50000 micro-dollars%n",
                        ok.get(), refused.get(), spent);
                assertThat(spent).isLessThanOrEqualTo(50_000);
                assertThat(rs.getInt(2)).isEqualTo(ok.get());
            }
            assertThat(ok.get()).isPositive();
            assertThat(refused.get()).isPositive();
        } finally {
            gateways.forEach(GatewayFixture::close);
        }
    }
}
