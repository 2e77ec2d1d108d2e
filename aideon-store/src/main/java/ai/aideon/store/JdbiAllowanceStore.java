package ai.aideon.store;

import ai.aideon.core.tier.AccountKey;
import ai.aideon.core.tier.AllowanceStore;
import ai.aideon.core.tier.Lease;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Leases of tenants' quota and budget, shared by every instance on the database.
 *
 * <p>Zero overspend rests on one inequality per account, kept by every write:
 * {@code committed + Σ max(amount − used, 0) over live leases ≤ max}. {@link #lease} grants only what that leaves,
 * serialized per account (PostgreSQL: the account row locked FOR UPDATE; SQLite: BEGIN IMMEDIATE serializes all
 * writers). The ledger moves spent amounts from a lease's unspent part into committed in one transaction, which
 * keeps the sum unchanged. A lease of a dead instance simply expires: what it spent is committed, the rest returns.
 * {@code committed} is read from {@code usage_daily}, the per-tenant, per-UTC-day totals the ledger writer updates
 * in that same transaction: a sum over at most 31 rows, so lending costs the same after a billion requests.
 */
final class JdbiAllowanceStore implements AllowanceStore {

    private final Database db;
    private final Clock clock;
    /**
     * Brings the ledger's latest rows into the database. Before lending or releasing, the ledger's rows must be
     * there with their lease spends: a row still in the journal is counted neither in {@code committed} nor in its
     * lease's {@code used}, which is harmless while the lease is live (its whole amount counts) but would return
     * the spent part once it is released.
     */
    private final Runnable ledgerSync;

    JdbiAllowanceStore(Database db, Clock clock, Runnable ledgerSync) {
        this.db = db;
        this.clock = clock;
        this.ledgerSync = ledgerSync;
    }

    @Override
    public Lease lease(AccountKey key, long max, long want, String instanceId, Instant expiresAt) {
        if (max < 0 || want < 0) {
            throw new IllegalArgumentException("max and want must be >= 0");
        }
        requireWholeDays(key);
        Instant now = clock.instant();
        String leaseId = "lse_" + RandomIds.base32(20);
        if (!expiresAt.isAfter(now)) {
            // A lease born expired would not count as outstanding, so spending it could overspend: lend nothing
            // (as InMemoryAllowanceStore does).
            return new Lease(leaseId, key, 0, expiresAt);
        }
        ledgerSync.run();
        return db.inWriteTransaction(h -> {
            lockAccount(h, key, max, now);
            // One statement, one snapshot: on PostgreSQL (READ COMMITTED) two separate SELECTs could straddle a
            // ledger commit and see its rows without its lease updates, under-counting what is taken.
            long taken = h.createQuery("SELECT (" + committedSql(key) + ") + (" + OUTSTANDING_SQL + ")")
                    .bind("tenantId", key.tenantId())
                    .bind("fromDay", Epoch.utcDay(key.windowStart()))
                    .bind("toDay", Epoch.utcDay(windowEnd(key)))
                    .bind("accountId", key.id())
                    .bind("now", Epoch.millis(now))
                    .mapTo(Long.class)
                    .one();
            long granted = Math.min(want, Math.max(max - taken, 0));
            if (granted > 0) {
                // A zero grant is not stored: an exhausted account is asked often, and 0 lends nothing.
                h.createUpdate("INSERT INTO leases (id, account_id, instance_id, amount, used, created_at, expires_at, "
                                + "released) VALUES (:id, :accountId, :instanceId, :amount, 0, :now, :expiresAt, FALSE)")
                        .bind("id", leaseId)
                        .bind("accountId", key.id())
                        .bind("instanceId", instanceId)
                        .bind("amount", granted)
                        .bind("now", Epoch.millis(now))
                        .bind("expiresAt", Epoch.millis(expiresAt))
                        .execute();
            }
            return new Lease(leaseId, key, granted, expiresAt);
        });
    }

    /** Creates the account row if needed and, on PostgreSQL, locks it until the transaction ends. */
    private void lockAccount(Handle h, AccountKey key, long max, Instant now) {
        h.createUpdate("INSERT INTO accounts (id, tenant_id, meter, period, window_start, max_value, created_at) "
                        + "VALUES (:id, :tenantId, :meter, :period, :windowStart, :max, :now) "
                        + "ON CONFLICT (id) DO NOTHING")
                .bind("id", key.id())
                .bind("tenantId", key.tenantId())
                .bind("meter", key.meter().wire())
                .bind("period", key.period().wire())
                .bind("windowStart", Epoch.millis(key.windowStart()))
                .bind("max", max)
                .bind("now", Epoch.millis(now))
                .execute();
        if (db.dialect() == Dialect.POSTGRESQL) {
            h.createQuery("SELECT id FROM accounts WHERE id = :id FOR UPDATE")
                    .bind("id", key.id())
                    .mapTo(String.class)
                    .one();
        }
        // Remember the latest limit for operators; the grant above uses the caller's max, not this column.
        h.createUpdate("UPDATE accounts SET max_value = :max WHERE id = :id AND max_value <> :max")
                .bind("id", key.id())
                .bind("max", max)
                .execute();
    }

    @Override
    public void renew(Collection<String> leaseIds, Instant expiresAt) {
        if (leaseIds.isEmpty()) {
            return;
        }
        // Sorted, one row at a time: the ledger locks leases in id order too, so the two never deadlock.
        List<String> ids = leaseIds.stream().distinct().sorted().toList();
        long now = Epoch.millis(clock.instant());
        db.inWriteTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("UPDATE leases SET expires_at = :expiresAt WHERE id = :id "
                    // Only live leases: once expired, the unspent part may already be lent to someone else,
                    // so bringing the lease back to life could overspend.
                    + "AND released = FALSE AND expires_at > :now AND expires_at < :expiresAt");
            for (String id : ids) {
                batch.bind("id", id).bind("now", now).bind("expiresAt", Epoch.millis(expiresAt)).add();
            }
            return batch.execute();
        });
    }

    @Override
    public void release(String leaseId) {
        ledgerSync.run();
        db.inWriteTransaction(h -> h.createUpdate("UPDATE leases SET released = TRUE WHERE id = :id")
                .bind("id", leaseId)
                .execute());
    }

    @Override
    public long committed(AccountKey key) {
        requireWholeDays(key);
        ledgerSync.run();
        return db.read(h -> h.createQuery(committedSql(key))
                .bind("tenantId", key.tenantId())
                .bind("fromDay", Epoch.utcDay(key.windowStart()))
                .bind("toDay", Epoch.utcDay(windowEnd(key)))
                .mapTo(Long.class)
                .one());
    }

    /** Unspent remainder of an account's live leases. A lease spent past its amount adds 0, never a credit. */
    private static final String OUTSTANDING_SQL = "SELECT COALESCE(SUM(CASE WHEN used < amount THEN amount - used "
            + "ELSE 0 END), 0) FROM leases WHERE account_id = :accountId AND released = FALSE AND expires_at > :now";

    /**
     * The ledger's total of the account's meter in its window, from the per-day totals the ledger writer keeps
     * beside its rows (windows are whole UTC days). The column comes from an enum, not from input.
     */
    private static String committedSql(AccountKey key) {
        return "SELECT COALESCE(SUM(" + MeterColumns.of(key.meter()) + "), 0) FROM usage_daily "
                + "WHERE tenant_id = :tenantId AND usage_day >= :fromDay AND usage_day < :toDay";
    }

    /** Committed totals come from per-day rows, so a window must start at 00:00Z (as every {@code Period}'s does). */
    private static void requireWholeDays(AccountKey key) {
        if (key.windowStart().getEpochSecond() % 86_400 != 0 || key.windowStart().getNano() != 0) {
            throw new IllegalArgumentException("account window must start at a UTC midnight: " + key.windowStart());
        }
    }

    private static Instant windowEnd(AccountKey key) {
        return key.period().windowEnd(key.windowStart());
    }
}
