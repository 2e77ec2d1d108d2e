package ai.aideon.store;

import ai.aideon.testkit.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.aideon.core.tier.IssuedKey;
import ai.aideon.core.tier.KeyInfo;
import ai.aideon.core.tier.KeyStore;
import ai.aideon.core.tier.Limit;
import ai.aideon.core.tier.Meter;
import ai.aideon.core.tier.Period;
import ai.aideon.core.tier.Tenant;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyStoreTest {

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.parse("2025-03-04T10:15:30.123456Z"));

    @ParameterizedTest
    @EnumSource(Backend.class)
    void tenantsAreFoundByIdOrNameWithTheirOverrides(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            KeyStore keys = store.keys();
            List<Limit> overrides = List.of(new Limit(Meter.COST_MICROS, Period.MONTH, 5_000_000),
                    new Limit(Meter.REQUESTS, Period.DAY, 1_000));
            Tenant acme = keys.createTenant("acme", "premium", overrides, 600L, null);
            keys.createTenant("beta", "free", List.of(), null, 10_000L);

            assertThat(acme.id()).matches("ten_[a-z2-7]{16}");
            assertThat(keys.tenant(acme.id())).contains(acme);
            assertThat(keys.tenant("acme")).contains(acme);
            assertThat(keys.tenant("nobody")).isEmpty();
            assertThat(acme.overrides()).containsExactlyElementsOf(overrides);
            assertThat(acme.requestsPerMinute()).isEqualTo(600L);
            assertThat(acme.tokensPerMinute()).isNull();
            assertThat(keys.tenants()).extracting(Tenant::name).containsExactly("acme", "beta");
            assertThat(keys.tenants().get(0)).isEqualTo(acme);

            assertThatThrownBy(() -> keys.createTenant("acme", "free", List.of(), null, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acme");
            assertThatThrownBy(() -> keys.createTenant("dup", "free", List.of(new Limit(Meter.TOKENS, Period.DAY, 1),
                    new Limit(Meter.TOKENS, Period.DAY, 2)), null, null)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void updateTenantReplacesTierLimitsAndRates(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            KeyStore keys = store.keys();
            Tenant t = keys.createTenant("acme", "free", List.of(new Limit(Meter.TOKENS, Period.DAY, 10)), 5L, 6L);
            IssuedKey key = keys.createKey(t.id(), "ci", false);
            assertThat(keys.verify(key.secret()).orElseThrow().tenant().tier()).isEqualTo("free");

            Tenant changed = new Tenant(t.id(), "acme-corp", "premium",
                    List.of(new Limit(Meter.IMAGES, Period.MONTH, 50)), null, 9L, t.createdAt());
            assertThat(keys.updateTenant(changed)).isEqualTo(changed);
            assertThat(keys.tenant("acme-corp")).contains(changed);
            assertThat(keys.tenant("acme")).isEmpty();
            // The cached verification carried the old tier: it must not outlive the update.
            assertThat(keys.verify(key.secret()).orElseThrow().tenant().tier()).isEqualTo("premium");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void issuedKeysHaveTheDocumentedShapeAndVerify(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            KeyStore keys = store.keys();
            Tenant t = keys.createTenant("acme", "premium", List.of(), null, null);
            IssuedKey issued = keys.createKey(t.id(), "ops", true);

            assertThat(issued.secret()).matches("sk-aideon-[a-z2-7]{12}_[A-Za-z0-9_-]{43}");
            assertThat(issued.secret()).startsWith("sk-aideon-" + issued.info().keyId() + "_");
            assertThat(issued.info().displayPrefix()).isEqualTo("sk-aideon-" + issued.info().keyId() + "_…");
            assertThat(issued.toString()).doesNotContain(issued.secret().substring(23));

            KeyStore.KeyMatch match = keys.verify(issued.secret()).orElseThrow();
            assertThat(match.tenant()).isEqualTo(t);
            assertThat(match.key()).isEqualTo(issued.info());
            assertThat(match.key().admin()).isTrue();
            assertThat(keys.keys(t.id())).containsExactly(issued.info());
            assertThat(keys.keys(null)).containsExactly(issued.info());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void keysAreStoredOnlyAsSaltedHashes(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        List<IssuedKey> issued = new ArrayList<>();
        try (Store store = Store.open(location, clock)) {
            Tenant t = store.keys().createTenant("acme", "free", List.of(), null, null);
            for (int i = 0; i < 3; i++) {
                issued.add(store.keys().createKey(t.id(), "k" + i, false));
            }
        }
        List<String> forbidden = new ArrayList<>();
        for (IssuedKey key : issued) {
            String secret = key.secret().substring(key.secret().indexOf('_') + 1);
            byte[] raw = Base64.getUrlDecoder().decode(secret);
            forbidden.add(key.secret());
            forbidden.add(secret);
            forbidden.add(Base64.getEncoder().encodeToString(raw));
            forbidden.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.US_ASCII)));
            forbidden.add(HexFormat.of().formatHex(raw));
            forbidden.add(new String(raw, StandardCharsets.ISO_8859_1));
        }

        List<byte[]> salts = new ArrayList<>();
        try (Connection c = Backend.rawConnection(location);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM api_keys")) {
            ResultSetMetaData meta = rs.getMetaData();
            int rows = 0;
            while (rs.next()) {
                rows++;
                for (int col = 1; col <= meta.getColumnCount(); col++) {
                    Object value = rs.getObject(col);
                    for (String text : renderings(value)) {
                        for (String secret : forbidden) {
                            assertThat(text).as(meta.getColumnName(col)).doesNotContain(secret);
                        }
                    }
                }
                assertThat(rs.getBytes("salt")).hasSize(16);
                assertThat(rs.getBytes("secret_hash")).hasSize(32);
                salts.add(rs.getBytes("salt"));
            }
            assertThat(rows).isEqualTo(3);
        }
        assertThat(salts.get(0)).isNotEqualTo(salts.get(1));

        if (backend == Backend.SQLITE) { // the whole file and its WAL: no copy of a secret anywhere on disk
            Path db = Path.of(location.substring("sqlite:".length()));
            for (Path file : List.of(db, Path.of(db + "-wal"))) {
                if (Files.exists(file)) {
                    String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    for (String secret : forbidden) {
                        assertThat(bytes.contains(secret)).as(file.getFileName().toString()).isFalse();
                    }
                }
            }
        }
    }

    private static List<String> renderings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof byte[] bytes) {
            return List.of(new String(bytes, StandardCharsets.ISO_8859_1), HexFormat.of().formatHex(bytes),
                    Base64.getEncoder().encodeToString(bytes), Base64.getUrlEncoder().encodeToString(bytes));
        }
        return List.of(String.valueOf(value));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void revokedKeysStopVerifying(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            KeyStore keys = store.keys();
            Tenant t = keys.createTenant("acme", "free", List.of(), null, null);
            IssuedKey issued = keys.createKey(t.id(), "ci", false);
            assertThat(keys.verify(issued.secret())).isPresent(); // now cached

            clock.advance(Duration.ofSeconds(1));
            assertThat(keys.revoke(issued.info().keyId())).isTrue();

            assertThat(keys.verify(issued.secret())).isEmpty();
            assertThat(keys.revoke(issued.info().keyId())).as("already revoked").isFalse();
            assertThat(keys.revoke("nosuchkeyid00")).isFalse();
            KeyInfo info = keys.keys(t.id()).get(0);
            assertThat(info.active()).isFalse();
            assertThat(info.revokedAt()).isEqualTo(Instant.parse("2025-03-04T10:15:31.123Z"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void rotateIssuesANewKeyForTheSameTenantAndRevokesTheOld(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            KeyStore keys = store.keys();
            Tenant t = keys.createTenant("acme", "free", List.of(), null, null);
            IssuedKey old = keys.createKey(t.id(), "deploy", true);
            assertThat(keys.verify(old.secret())).isPresent();

            IssuedKey fresh = keys.rotate(old.info().keyId());

            assertThat(fresh.info().keyId()).isNotEqualTo(old.info().keyId());
            assertThat(fresh.info().tenantId()).isEqualTo(t.id());
            assertThat(fresh.info().name()).isEqualTo("deploy");
            assertThat(fresh.info().admin()).isTrue();
            assertThat(keys.verify(old.secret())).isEmpty();
            assertThat(keys.verify(fresh.secret()).orElseThrow().key()).isEqualTo(fresh.info());
            assertThatThrownBy(() -> keys.rotate(old.info().keyId())).isInstanceOf(IllegalStateException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void malformedOrForgedKeysAreRejectedWithoutAnException(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            KeyStore keys = store.keys();
            Tenant t = keys.createTenant("acme", "free", List.of(), null, null);
            String good = keys.createKey(t.id(), "ci", false).secret();
            String keyPart = good.substring(0, good.indexOf('_') + 1);
            char last = good.charAt(good.length() - 1);
            List<String> bad = new ArrayList<>(List.of("", " ", "sk-aideon-", "Bearer " + good, good + "x",
                    good.substring(0, good.length() - 1), good.toUpperCase(), "sk_" + good.substring(3),
                    keyPart + "A".repeat(43),                                       // right id, wrong secret
                    good.substring(0, good.length() - 1) + (last == 'A' ? 'B' : 'A'), // one character off
                    "sk-aideon-aaaaaaaaaaaa_" + good.substring(good.indexOf('_') + 1), // unknown id
                    "sk-aideon-' OR '1'='1_" + "A".repeat(43),
                    "sk-aideon-éééééééééééé_" + "A".repeat(43),
                    "x".repeat(100_000)));
            bad.add(null);
            for (String presented : bad) {
                assertThat(keys.verify(presented)).as(String.valueOf(presented)).isEqualTo(Optional.empty());
            }
            assertThat(keys.verify(good)).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRevocationElsewhereReachesThisInstanceWhenItsCacheEntryExpires(Backend backend) {
        String location = backend.newLocation(tmp);
        try (Store here = Store.open(location, clock); Store elsewhere = Store.open(location, clock)) {
            Tenant t = here.keys().createTenant("acme", "free", List.of(), null, null);
            IssuedKey issued = here.keys().createKey(t.id(), "ci", false);
            assertThat(here.keys().verify(issued.secret())).isPresent();

            elsewhere.keys().revoke(issued.info().keyId());

            clock.advance(Duration.ofSeconds(29));
            assertThat(here.keys().verify(issued.secret())).as("served from the cache").isPresent();
            clock.advance(Duration.ofSeconds(2));
            assertThat(here.keys().verify(issued.secret())).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void keysNeedAnExistingTenant(Backend backend) {
        try (Store store = Store.open(backend.newLocation(tmp), clock)) {
            assertThatThrownBy(() -> store.keys().createKey("ten_missing", "x", false))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
