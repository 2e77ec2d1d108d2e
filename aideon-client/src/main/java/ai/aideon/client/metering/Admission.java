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
 *
 * @param requestId       the gateway's own id: unique, the ledger row's key
 * @param clientRequestId the caller's {@code x-request-id}, recorded beside it (null when none; see {@link #tracedAs})
 */
public record Admission(String requestId, Principal principal, ChatRequest request, RoutePlan plan,
                        Reservation reservation, Amounts worstCase, long startedNanos, String clientRequestId) {

    public Admission(String requestId, Principal principal, ChatRequest request, RoutePlan plan,
                     Reservation reservation, Amounts worstCase, long startedNanos) {
        this(requestId, principal, request, plan, reservation, worstCase, startedNanos, null);
    }

    /** This admission with the caller's own request id, for its ledger row; itself when there is none. */
    public Admission tracedAs(String clientRequestId) {
        return clientRequestId == null ? this : new Admission(requestId, principal, request, plan, reservation,
                worstCase, startedNanos, clientRequestId);
    }
}
