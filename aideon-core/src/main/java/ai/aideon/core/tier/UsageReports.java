package ai.aideon.core.tier;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Read side of the ledger: usage views for tenants and the operator, and the reconciliation report. */
public interface UsageReports {

    enum GroupBy { MODEL, PROVIDER, DAY, TIER }

    /** One group's totals. {@code key} is the model, provider, day (yyyy-mm-dd) or tier. */
    record UsageGroup(String key, long requests, long promptTokens, long completionTokens, long images,
                      long audioSeconds, long costMicros) {
    }

    /** Per provider and UTC day: what to compare with the provider's bill. */
    record ReconciliationLine(LocalDate day, String provider, long requests, long promptTokens,
                              long completionTokens, long units, long costMicros) {
    }

    /** Usage of one tenant ({@code tenantId} non-null) or all tenants, rows with from ≤ created_at < to. */
    List<UsageGroup> usage(String tenantId, Instant from, Instant to, GroupBy groupBy);

    List<ReconciliationLine> reconciliation(Instant from, Instant to);

    void recordConversion(ConversionEvent event);

    List<ConversionEvent> conversions(String tenantId, Instant from, Instant to);
}
