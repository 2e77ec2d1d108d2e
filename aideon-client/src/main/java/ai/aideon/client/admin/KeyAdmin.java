package ai.aideon.client.admin;

import ai.aideon.client.config.AideonConfig;
import ai.aideon.core.tier.IssuedKey;
import ai.aideon.core.tier.KeyInfo;
import ai.aideon.core.tier.KeyStore;
import ai.aideon.core.tier.Limit;
import ai.aideon.core.tier.Meter;
import ai.aideon.core.tier.Period;
import ai.aideon.core.tier.Tenant;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Operator actions on tenants and keys, shared by the admin HTTP API and the {@code aideon keys} CLI (which may
 * talk to the store directly), so both validate and behave the same.
 */
public final class KeyAdmin {
    private final KeyStore keys;
    private final AideonConfig config;

    public KeyAdmin(KeyStore keys, AideonConfig config) {
        this.keys = keys;
        this.config = config;
    }

    /** What {@code keys create} asks for; null fields keep the tenant's (or the tier's) values. */
    public record KeyRequest(String tenant, String tier, BigDecimal budgetUsd, Long requestsPerMinute,
                             Long tokensPerMinute, String keyName, boolean admin) {
    }

    /**
     * Creates a key for a tenant, creating the tenant first when it doesn't exist (then {@code tier} is required)
     * and applying the given budget and rate overrides to it.
     */
    public IssuedKey createKey(KeyRequest r) {
        Tenant tenant = upsertTenant(r);
        return keys.createKey(tenant.id(), r.keyName() == null ? "default" : r.keyName(), r.admin());
    }

    /** Creates the tenant ({@code tier} required) or applies the request's tier, budget and rates to it. */
    public Tenant upsertTenant(KeyRequest r) {
        if (r.tenant() == null || r.tenant().isBlank()) {
            throw new IllegalArgumentException("a tenant name is required (--tenant NAME)");
        }
        if (r.tier() != null && !knownTier(r.tier())) {
            throw new IllegalArgumentException("unknown tier '" + r.tier() + "'; configured tiers: "
                    + config.tiers().keySet());
        }
        if (r.budgetUsd() != null && r.budgetUsd().signum() < 0) {
            throw new IllegalArgumentException("the budget must not be negative");
        }
        Optional<Tenant> existing = keys.tenant(r.tenant());
        Tenant tenant;
        if (existing.isEmpty()) {
            if (r.tier() == null) {
                throw new IllegalArgumentException("tenant '" + r.tenant() + "' does not exist; give --tier to "
                        + "create it");
            }
            tenant = keys.createTenant(r.tenant(), r.tier(), budgetOverride(r.tier(), r.budgetUsd(), List.of()),
                    r.requestsPerMinute(), r.tokensPerMinute());
        } else {
            Tenant t = existing.get();
            String tier = r.tier() != null ? r.tier() : t.tier();
            tenant = keys.updateTenant(new Tenant(t.id(), t.name(), tier,
                    budgetOverride(tier, r.budgetUsd(), t.overrides()),
                    r.requestsPerMinute() != null ? r.requestsPerMinute() : t.requestsPerMinute(),
                    r.tokensPerMinute() != null ? r.tokensPerMinute() : t.tokensPerMinute(), t.createdAt()));
        }
        return tenant;
    }

    public List<KeyInfo> list(String tenantNameOrId) {
        if (tenantNameOrId == null) {
            return keys.keys(null);
        }
        Tenant t = keys.tenant(tenantNameOrId).orElseThrow(() ->
                new IllegalArgumentException("no tenant '" + tenantNameOrId + "'"));
        return keys.keys(t.id());
    }

    public boolean revoke(String keyId) {
        return keys.revoke(keyId);
    }

    public IssuedKey rotate(String keyId) {
        return keys.rotate(keyId);
    }

    public List<Tenant> tenants() {
        return keys.tenants();
    }

    public Optional<Tenant> tenant(String idOrName) {
        return keys.tenant(idOrName);
    }

    private boolean knownTier(String tier) {
        return config.tiers().containsKey(tier)
                || config.catalog().models().stream().anyMatch(m -> m.allowsTier(tier));
    }

    /** Replaces the budget override (in the tier's budget period, monthly by default) when a budget is given. */
    private List<Limit> budgetOverride(String tier, BigDecimal budgetUsd, List<Limit> current) {
        if (budgetUsd == null) {
            return current;
        }
        Period period = config.tier(tier).limits().stream().filter(l -> l.meter() == Meter.COST_MICROS)
                .map(Limit::period).findFirst().orElse(Period.MONTH);
        List<Limit> out = new ArrayList<>();
        for (Limit l : current) {
            if (l.meter() != Meter.COST_MICROS) {
                out.add(l);
            }
        }
        out.add(new Limit(Meter.COST_MICROS, period,
                budgetUsd.movePointRight(6).setScale(0, RoundingMode.FLOOR).longValueExact()));
        return out;
    }
}
