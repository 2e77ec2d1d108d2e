package ai.aideon.client.metering;

import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.route.RoutePlan;
import ai.aideon.core.tier.Amounts;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.tier.Reservation;

/**
 * A request that passed tier, rate, quota and budget checks: its plan and the worst case reserved for it. Every
 * admission ends in exactly one of {@link Metering#succeeded} or {@link Metering#failed}, which write its ledger
 * row and settle the reservation.
 */
public record Admission(String requestId, Principal principal, ChatRequest request, RoutePlan plan,
                        Reservation reservation, Amounts worstCase, long startedNanos) {
}
