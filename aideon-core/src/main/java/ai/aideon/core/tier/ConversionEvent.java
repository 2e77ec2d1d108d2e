package ai.aideon.core.tier;

import java.time.Instant;

/**
 * A moment a tier's limit stopped a request: the product's upgrade funnel. {@code kind} is
 * {@code upgrade_required}, {@code quota_exceeded}, {@code budget_exceeded} or {@code rate_limited};
 * {@code asked} what was asked (model, route or meter); {@code allowingTier} a tier that would have allowed it.
 */
public record ConversionEvent(Instant at, String tenantId, String tier, String kind, String asked,
                              String allowingTier, String requestId) {
}
