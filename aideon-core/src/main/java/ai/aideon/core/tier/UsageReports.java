package ai.aideon.core.tier;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Read side of the ledger: usage views for tenants and the operator, and the reconciliation report. */
public interface UsageReports {

    enum GroupBy { MODEL, PROVIDER, DAY, TIER, TENANT, SOURCE }

    /**
     * One group's totals. {@code key} is the model, provider, day (yyyy-mm-dd), tier, tenant id or source
     * ({@code local}, {@code cloud}, {@code cache}). {@code requests} is what counts against request quotas (answered
     * requests); {@code calls} counts every request the ledger recorded, answered or failed, and {@code errors} those
     * that failed or whose stream broke — so {@code errors / calls} is the error rate. Refusals before any provider or
     * cache was asked (tier, rate, quota, budget) are conversion events, not calls.
     */
    record UsageGroup(String key, long requests, long promptTokens, long completionTokens, long images,
                      long audioSeconds, long costMicros, long calls, long errors) {
    }

    /** Per provider and UTC day: what to compare with the provider's bill. */
    record ReconciliationLine(LocalDate day, String provider, long requests, long promptTokens,
                              long completionTokens, long units, long costMicros) {
    }

    /** How often a tier's limit of one kind stopped requests, and how many distinct tenants it stopped. */
    record ConversionCount(String tier, String kind, long events, long tenants) {
    }

    /** Usage of one tenant ({@code tenantId} non-null) or all tenants, rows with from ≤ created_at < to. */
    List<UsageGroup> usage(String tenantId, Instant from, Instant to, GroupBy groupBy);

    /**
     * The ledger's latest {@code limit} rows (newest first) of one tenant ({@code tenantId} non-null) or all tenants,
     * including rows written moments ago. Rows carry no lease spends (those are the store's bookkeeping).
     */
    List<UsageRow> recentRequests(String tenantId, int limit);

    List<ReconciliationLine> reconciliation(Instant from, Instant to);

    void recordConversion(ConversionEvent event);

    List<ConversionEvent> conversions(String tenantId, Instant from, Instant to);

    /** The upgrade funnel: conversion events counted per tier and kind, for one tenant or all. */
    List<ConversionCount> conversionFunnel(String tenantId, Instant from, Instant to);
}
