package ai.aideon.core.tier;

import java.time.Instant;
import java.util.List;

/**
 * One request's line in the ledger: who, what, where it ran, what it used and cost. Written once per request,
 * durable before the response's final byte is released.
 *
 * @param status     the HTTP status the client got (200, or the error status)
 * @param errorKind  null on success; else the failure's kind (e.g. {@code overloaded}, {@code stream_interrupted})
 * @param usage      what counts against quotas and budget (requests, tokens, images, audio seconds, cost)
 * @param spends     which leases this usage was spent from (empty when no limit applied)
 * @param clientRequestId the caller's own {@code x-request-id}, kept for their reconciliation; null when none was
 *                   given. Never the ledger's key: {@code requestId} is always the gateway's own, unique id, because
 *                   a caller can repeat its id (by mistake or to dodge metering) and the ledger keeps one row per key
 */
public record UsageRow(String requestId, String tenantId, String keyId, String tier, String route,
                       String provider, String model, String source, int attempts, long promptTokens,
                       long completionTokens, Amounts usage, long latencyMillis, int status, String errorKind,
                       Instant createdAt, List<LeaseSpend> spends, String clientRequestId) {
    public UsageRow {
        spends = spends == null ? List.of() : List.copyOf(spends);
    }
}
