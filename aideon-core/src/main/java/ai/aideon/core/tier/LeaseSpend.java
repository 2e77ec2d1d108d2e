package ai.aideon.core.tier;

/** How much of one lease a settled request used; the ledger commit adds it to the lease's {@code used}. */
public record LeaseSpend(String leaseId, long amount) {
}
