package ai.aideon.core.tier;

import java.time.Instant;
import java.util.Collection;

/**
 * The shared source of quota and budget (SQLite for one instance, PostgreSQL for many). Instances lease slices
 * and spend them in memory, so the hot path never waits on the database.
 *
 * <p>Invariant that makes global overspend zero: for every account,
 * {@code committed usage in the ledger + Σ (amount − used) over live leases ≤ max}. The ledger's commit adds each
 * row's usage to the {@code used} of the leases it was spent from (see {@link UsageLedger}), so a lease whose
 * instance died simply expires: its unspent part returns, its spent part is in the ledger.
 */
public interface AllowanceStore {

    /**
     * Grants up to {@code want} of the account (less, possibly 0, when fewer remain below {@code max}), valid
     * until {@code expiresAt}. Atomic against concurrent leases from other instances.
     */
    Lease lease(AccountKey key, long max, long want, String instanceId, Instant expiresAt);

    /** Extends live leases (heartbeat while requests are in flight on them). */
    void renew(Collection<String> leaseIds, Instant expiresAt);

    /** Ends a lease: its unspent part returns to the account. Call only after its usage is committed. */
    void release(String leaseId);

    /** Committed usage of an account (the ledger's sum for the window), for usage views and tests. */
    long committed(AccountKey key);
}
