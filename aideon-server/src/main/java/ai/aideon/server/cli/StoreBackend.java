package ai.aideon.server.cli;

import ai.aideon.client.admin.KeyAdmin;
import ai.aideon.client.config.AideonConfig;
import ai.aideon.core.tier.IssuedKey;
import ai.aideon.core.tier.KeyInfo;
import ai.aideon.core.tier.Tenant;
import ai.aideon.core.tier.UsageReports;
import ai.aideon.store.Store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** The configured store, opened directly (no gateway running needed). */
final class StoreBackend implements AdminBackend {
    private final Store store;
    private final KeyAdmin admin;

    StoreBackend(AideonConfig config) {
        if (config.store() == null || "none".equals(config.store().location())) {
            throw new IllegalArgumentException("the config has no store (store: none)");
        }
        this.store = Store.open(config.store().location(), Clock.systemUTC(), config.store().durability());
        this.admin = new KeyAdmin(store.keys(), config);
    }

    @Override
    public IssuedKey createKey(KeyAdmin.KeyRequest request) {
        return admin.createKey(request);
    }

    @Override
    public List<KeyInfo> listKeys(String tenant) {
        return admin.list(tenant);
    }

    @Override
    public void revoke(String keyId) {
        if (!admin.revoke(keyId)) {
            throw new IllegalArgumentException("no active key '" + keyId + "'");
        }
    }

    @Override
    public IssuedKey rotate(String keyId) {
        return admin.rotate(keyId);
    }

    @Override
    public List<UsageReports.UsageGroup> usage(String tenant, Instant from, Instant to, UsageReports.GroupBy groupBy) {
        String tenantId = tenant == null ? null : admin.tenant(tenant).map(Tenant::id).orElseThrow(() ->
                new IllegalArgumentException("no tenant '" + tenant + "'"));
        return store.reports().usage(tenantId, from, to, groupBy);
    }

    @Override
    public List<UsageReports.ReconciliationLine> reconciliation(Instant from, Instant to) {
        return store.reports().reconciliation(from, to);
    }

    @Override
    public void close() {
        store.close();
    }
}
