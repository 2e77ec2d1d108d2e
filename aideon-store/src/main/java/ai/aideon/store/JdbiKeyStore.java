package ai.aideon.store;

import ai.aideon.core.tier.IssuedKey;
import ai.aideon.core.tier.KeyInfo;
import ai.aideon.core.tier.KeyStore;
import ai.aideon.core.tier.Limit;
import ai.aideon.core.tier.Meter;
import ai.aideon.core.tier.Period;
import ai.aideon.core.tier.Tenant;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;

/**
 * Tenants and client keys in SQL. Keys are kept as salt + SHA-256(salt ‖ secret); successful verifications are
 * cached for {@link #CACHE_TTL} so the hot path does not touch the database. A revoke or rotate on this instance
 * takes effect at once; on other instances sharing the database within {@link #CACHE_TTL}.
 */
final class JdbiKeyStore implements KeyStore {

    static final Duration CACHE_TTL = Duration.ofSeconds(30);
    private static final int CACHE_MAX = 10_000;

    private static final String TENANT_COLUMNS =
            "id, name, tier, requests_per_minute, tokens_per_minute, created_at";
    private static final String KEY_COLUMNS =
            "key_id, tenant_id, name, display_prefix, admin, created_at, revoked_at";

    private final Database db;
    private final Clock clock;
    private final Cache<String, KeyMatch> verified;

    JdbiKeyStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .expireAfterWrite(CACHE_TTL)
                .maximumSize(CACHE_MAX)
                // The injected clock drives expiry too, so tests can step past the TTL without sleeping.
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    // ---- tenants ---------------------------------------------------------------------------------------------

    @Override
    public Tenant createTenant(String name, String tier, List<Limit> overrides, Long requestsPerMinute,
                               Long tokensPerMinute) {
        requireText(name, "tenant name");
        requireText(tier, "tier");
        List<Limit> limits = distinctSlots(overrides);
        Tenant tenant = new Tenant("ten_" + RandomIds.base32(16), name, tier, limits, requestsPerMinute,
                tokensPerMinute, now());
        return db.inWriteTransaction(h -> {
            if (findTenant(h, "name", name).isPresent()) {
                throw new IllegalArgumentException("a tenant named '" + name + "' already exists");
            }
            h.createUpdate("INSERT INTO tenants (" + TENANT_COLUMNS + ") VALUES "
                            + "(:id, :name, :tier, :rpm, :tpm, :createdAt)")
                    .bind("id", tenant.id())
                    .bind("name", tenant.name())
                    .bind("tier", tenant.tier())
                    .bind("rpm", tenant.requestsPerMinute())
                    .bind("tpm", tenant.tokensPerMinute())
                    .bind("createdAt", Epoch.millis(tenant.createdAt()))
                    .execute();
            insertLimits(h, tenant.id(), limits);
            return tenant;
        });
    }

    @Override
    public Optional<Tenant> tenant(String idOrName) {
        if (idOrName == null) {
            return Optional.empty();
        }
        // By id first: a tenant may be named like another tenant's id, the id must still win.
        return db.read(h -> findTenant(h, "id", idOrName).or(() -> findTenant(h, "name", idOrName)));
    }

    @Override
    public List<Tenant> tenants() {
        return db.read(h -> {
            Map<String, List<Limit>> limits = new LinkedHashMap<>();
            h.createQuery("SELECT tenant_id, meter, period, max_value FROM tenant_limits ORDER BY tenant_id, position")
                    .map((rs, ctx) -> {
                        limits.computeIfAbsent(rs.getString("tenant_id"), k -> new ArrayList<>()).add(limit(rs));
                        return 1;
                    })
                    .list();
            return h.createQuery("SELECT " + TENANT_COLUMNS + " FROM tenants ORDER BY name")
                    .map((rs, ctx) -> tenant(rs, limits.getOrDefault(rs.getString("id"), List.of())))
                    .list();
        });
    }

    @Override
    public Tenant updateTenant(Tenant tenant) {
        requireText(tenant.name(), "tenant name");
        requireText(tenant.tier(), "tier");
        List<Limit> limits = distinctSlots(tenant.overrides());
        Tenant updated = db.inWriteTransaction(h -> {
            Optional<Tenant> sameName = findTenant(h, "name", tenant.name());
            if (sameName.isPresent() && !sameName.get().id().equals(tenant.id())) {
                throw new IllegalArgumentException("a tenant named '" + tenant.name() + "' already exists");
            }
            int rows = h.createUpdate("UPDATE tenants SET name = :name, tier = :tier, requests_per_minute = :rpm, "
                            + "tokens_per_minute = :tpm WHERE id = :id")
                    .bind("id", tenant.id())
                    .bind("name", tenant.name())
                    .bind("tier", tenant.tier())
                    .bind("rpm", tenant.requestsPerMinute())
                    .bind("tpm", tenant.tokensPerMinute())
                    .execute();
            if (rows == 0) {
                throw new NoSuchElementException("no tenant " + tenant.id());
            }
            h.createUpdate("DELETE FROM tenant_limits WHERE tenant_id = :id").bind("id", tenant.id()).execute();
            insertLimits(h, tenant.id(), limits);
            return findTenant(h, "id", tenant.id()).orElseThrow();
        });
        // Cached verifications carry the tenant (tier, limits): drop them so the change applies at once here.
        invalidate(match -> match.tenant().id().equals(tenant.id()));
        return updated;
    }

    // ---- keys ------------------------------------------------------------------------------------------------

    @Override
    public IssuedKey createKey(String tenantId, String name, boolean admin) {
        requireText(name, "key name");
        return db.inWriteTransaction(h -> {
            if (findTenant(h, "id", tenantId).isEmpty()) {
                throw new IllegalArgumentException("no tenant " + tenantId);
            }
            return insertKey(h, tenantId, name, admin);
        });
    }

    @Override
    public Optional<KeyMatch> verify(String presentedKey) {
        Optional<KeyMaterial.Parsed> parsed = KeyMaterial.parse(presentedKey);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        String fingerprint = KeyMaterial.fingerprint(presentedKey);
        KeyMatch cached = verified.getIfPresent(fingerprint);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<KeyMatch> match = db.read(h -> lookUp(h, parsed.get()));
        match.ifPresent(m -> verified.put(fingerprint, m));
        return match;
    }

    private Optional<KeyMatch> lookUp(Handle h, KeyMaterial.Parsed parsed) {
        Optional<StoredKey> stored = h.createQuery("SELECT " + KEY_COLUMNS + ", salt, secret_hash FROM api_keys "
                        + "WHERE key_id = :keyId")
                .bind("keyId", parsed.keyId())
                .map((rs, ctx) -> new StoredKey(keyInfo(rs), rs.getBytes("salt"), rs.getBytes("secret_hash")))
                .findOne();
        if (stored.isEmpty() || !stored.get().info().active()) {
            return Optional.empty();
        }
        byte[] presentedHash = KeyMaterial.hash(stored.get().salt(), parsed.secret());
        // Constant time: the comparison must not tell an attacker how many leading bytes were right.
        if (!MessageDigest.isEqual(presentedHash, stored.get().hash())) {
            return Optional.empty();
        }
        return findTenant(h, "id", stored.get().info().tenantId())
                .map(tenant -> new KeyMatch(stored.get().info(), tenant));
    }

    @Override
    public List<KeyInfo> keys(String tenantId) {
        String order = " ORDER BY created_at, key_id";
        return db.read(h -> tenantId == null
                ? h.createQuery("SELECT " + KEY_COLUMNS + " FROM api_keys" + order)
                        .map((rs, ctx) -> keyInfo(rs)).list()
                : h.createQuery("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE tenant_id = :tenantId" + order)
                        .bind("tenantId", tenantId)
                        .map((rs, ctx) -> keyInfo(rs)).list());
    }

    @Override
    public boolean revoke(String keyId) {
        boolean revoked = db.inWriteTransaction(h -> revoke(h, keyId)) > 0;
        invalidate(match -> match.key().keyId().equals(keyId));
        return revoked;
    }

    @Override
    public IssuedKey rotate(String keyId) {
        IssuedKey issued = db.inWriteTransaction(h -> {
            KeyInfo old = h.createQuery("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE key_id = :keyId")
                    .bind("keyId", keyId)
                    .map((rs, ctx) -> keyInfo(rs))
                    .findOne()
                    .orElseThrow(() -> new NoSuchElementException("no key " + keyId));
            if (!old.active()) {
                throw new IllegalStateException("key " + keyId + " is revoked; create a new one instead");
            }
            IssuedKey fresh = insertKey(h, old.tenantId(), old.name(), old.admin());
            revoke(h, keyId);
            return fresh;
        });
        invalidate(match -> match.key().keyId().equals(keyId));
        return issued;
    }

    private IssuedKey insertKey(Handle h, String tenantId, String name, boolean admin) {
        String keyId = KeyMaterial.newKeyId();
        String secret = KeyMaterial.newSecret();
        byte[] salt = KeyMaterial.newSalt();
        KeyInfo info = new KeyInfo(keyId, tenantId, name, KeyMaterial.displayPrefix(keyId), admin, now(), null);
        h.createUpdate("INSERT INTO api_keys (" + KEY_COLUMNS + ", salt, secret_hash) VALUES "
                        + "(:keyId, :tenantId, :name, :displayPrefix, :admin, :createdAt, NULL, :salt, :hash)")
                .bind("keyId", keyId)
                .bind("tenantId", tenantId)
                .bind("name", name)
                .bind("displayPrefix", info.displayPrefix())
                .bind("admin", admin)
                .bind("createdAt", Epoch.millis(info.createdAt()))
                .bind("salt", salt)
                .bind("hash", KeyMaterial.hash(salt, secret))
                .execute();
        return new IssuedKey(info, KeyMaterial.format(keyId, secret));
    }

    private int revoke(Handle h, String keyId) {
        return h.createUpdate("UPDATE api_keys SET revoked_at = :now WHERE key_id = :keyId AND revoked_at IS NULL")
                .bind("now", Epoch.millis(now()))
                .bind("keyId", keyId)
                .execute();
    }

    private void invalidate(Predicate<KeyMatch> which) {
        verified.asMap().values().removeIf(which);
    }

    // ---- mapping ---------------------------------------------------------------------------------------------

    /** {@code column} is "id" or "name": a constant, never caller text. */
    private static Optional<Tenant> findTenant(Handle h, String column, String value) {
        List<Limit> limits = h.createQuery("SELECT l.meter, l.period, l.max_value FROM tenant_limits l "
                        + "JOIN tenants t ON t.id = l.tenant_id WHERE t." + column + " = :value ORDER BY l.position")
                .bind("value", value)
                .map((rs, ctx) -> limit(rs))
                .list();
        return h.createQuery("SELECT " + TENANT_COLUMNS + " FROM tenants WHERE " + column + " = :value")
                .bind("value", value)
                .map((rs, ctx) -> tenant(rs, limits))
                .findOne();
    }

    private static void insertLimits(Handle h, String tenantId, List<Limit> limits) {
        for (int i = 0; i < limits.size(); i++) {
            Limit limit = limits.get(i);
            h.createUpdate("INSERT INTO tenant_limits (tenant_id, meter, period, max_value, position) "
                            + "VALUES (:tenantId, :meter, :period, :max, :position)")
                    .bind("tenantId", tenantId)
                    .bind("meter", limit.meter().wire())
                    .bind("period", limit.period().wire())
                    .bind("max", limit.max())
                    .bind("position", i)
                    .execute();
        }
    }

    private static Tenant tenant(ResultSet rs, List<Limit> limits) throws SQLException {
        return new Tenant(rs.getString("id"), rs.getString("name"), rs.getString("tier"), limits,
                nullableLong(rs, "requests_per_minute"), nullableLong(rs, "tokens_per_minute"),
                Epoch.instant(rs.getLong("created_at")));
    }

    private static Limit limit(ResultSet rs) throws SQLException {
        return new Limit(Meter.valueOf(rs.getString("meter").toUpperCase(Locale.ROOT)),
                Period.valueOf(rs.getString("period").toUpperCase(Locale.ROOT)), rs.getLong("max_value"));
    }

    private static KeyInfo keyInfo(ResultSet rs) throws SQLException {
        Long revoked = nullableLong(rs, "revoked_at");
        return new KeyInfo(rs.getString("key_id"), rs.getString("tenant_id"), rs.getString("name"),
                rs.getString("display_prefix"), rs.getBoolean("admin"), Epoch.instant(rs.getLong("created_at")),
                revoked == null ? null : Epoch.instant(revoked));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static List<Limit> distinctSlots(List<Limit> overrides) {
        List<Limit> limits = overrides == null ? List.of() : List.copyOf(overrides);
        Set<String> slots = new HashSet<>();
        for (Limit limit : limits) {
            if (!slots.add(limit.meter().wire() + "/" + limit.period().wire())) {
                throw new IllegalArgumentException("two overrides for " + limit.meter().wire() + " per "
                        + limit.period().wire());
            }
        }
        return limits;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    /** Millisecond precision: what the store keeps, so a value handed out equals the value read back. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private record StoredKey(KeyInfo info, byte[] salt, byte[] hash) {
    }
}
