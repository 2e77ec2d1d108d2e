package ai.aideon.server.cli;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.admin.KeyAdmin;
import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ConfigLoader;
import ai.aideon.core.tier.IssuedKey;
import ai.aideon.core.tier.UsageReports;
import ai.aideon.server.http.GatewayServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code aideon keys … --server URL}: the same operations through a running gateway's admin API. */
class AdminOverHttpTest {

    @Test
    void keysAndUsageThroughTheAdminApi(@TempDir Path dir) throws Exception {
        AideonConfig config = new ConfigLoader(Map.of("ADMIN", "sk-op-admin-1")::get).parse("""
                store: "sqlite:%s"
                admin_key: ${ADMIN}
                """.formatted(dir.resolve("a.db")), "t.yaml");
        try (AideonEngine engine = AideonEngine.start(config);
             GatewayServer server = GatewayServer.start(engine, "127.0.0.1", 0);
             HttpBackend admin = new HttpBackend(server.baseUrl(), "sk-op-admin-1")) {
            IssuedKey key = admin.createKey(new KeyAdmin.KeyRequest("globex", "premium", new BigDecimal("10"), null,
                    null, "ci", false));
            assertThat(key.secret()).startsWith("sk-aideon-");
            assertThat(engine.authenticate(key.secret())).hasValueSatisfying(p -> {
                assertThat(p.tier()).isEqualTo("premium");
                assertThat(p.limits()).anySatisfy(l -> assertThat(l.max()).isEqualTo(10_000_000));
            });
            assertThat(admin.listKeys("globex")).singleElement().satisfies(k -> assertThat(k.active()).isTrue());
            IssuedKey rotated = admin.rotate(key.info().keyId());
            assertThat(engine.authenticate(rotated.secret())).isPresent();
            admin.revoke(rotated.info().keyId());
            assertThat(admin.listKeys("globex")).allSatisfy(k -> assertThat(k.active()).isFalse());
            assertThat(admin.usage(null, Instant.EPOCH, Instant.now().plusSeconds(60), UsageReports.GroupBy.MODEL))
                    .isEmpty();
            assertThatThrownBy(() -> new HttpBackend(server.baseUrl(), "sk-wrong").listKeys(null))
                    .hasMessageContaining("401");
        }
    }
}
