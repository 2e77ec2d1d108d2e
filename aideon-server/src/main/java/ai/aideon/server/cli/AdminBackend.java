package ai.aideon.server.cli;

import ai.aideon.client.admin.KeyAdmin;
import ai.aideon.core.tier.IssuedKey;
import ai.aideon.core.tier.KeyInfo;
import ai.aideon.core.tier.UsageReports;

import java.time.Instant;
import java.util.List;

/**
 * What the {@code keys} and {@code usage} commands need, either straight from the configured store or from a
 * running gateway's admin API ({@code --server URL}, admin key from {@code AIDEON_ADMIN_KEY}).
 */
interface AdminBackend extends AutoCloseable {

    IssuedKey createKey(KeyAdmin.KeyRequest request) throws Exception;

    List<KeyInfo> listKeys(String tenant) throws Exception;

    void revoke(String keyId) throws Exception;

    IssuedKey rotate(String keyId) throws Exception;

    List<UsageReports.UsageGroup> usage(String tenant, Instant from, Instant to, UsageReports.GroupBy groupBy)
            throws Exception;

    List<UsageReports.ReconciliationLine> reconciliation(Instant from, Instant to) throws Exception;

    @Override
    void close();
}
