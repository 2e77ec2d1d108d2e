package ai.aideon.core.tier;

/**
 * The append-only record of every request. {@link #append} returns only once the row is durable (committed
 * to disk); implementations batch concurrent appends into one transaction (group commit) so durability stays
 * cheap under load. In the same transaction each row's {@link UsageRow#spends()} are added to their leases.
 *
 * <p>A row's request id is its request's own, and each is appended once: the ledger keeps one row per request,
 * and checking every append for an earlier one would cost an index on every row. (Replays of a crashed process's
 * journal are idempotent; PostgreSQL's key also skips a second append of an id, SQLite's ledger does not look.)
 */
public interface UsageLedger {

    void append(UsageRow row) throws LedgerUnavailableException;

    /** The store cannot make rows durable right now: the response must not be released as a success. */
    final class LedgerUnavailableException extends Exception {
        public LedgerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
