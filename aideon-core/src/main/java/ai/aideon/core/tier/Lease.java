package ai.aideon.core.tier;

import java.time.Instant;

/**
 * A slice of an account that one gateway instance may spend in memory without asking the store again.
 * {@code amount} may be 0: the account has nothing left to lend.
 */
public record Lease(String leaseId, AccountKey key, long amount, Instant expiresAt) {
}
