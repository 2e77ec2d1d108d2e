package ai.aideon.server.api;

import ai.aideon.client.metering.Admission;
import ai.aideon.client.metering.RefusedException;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.route.AllAttemptsFailedException;
import ai.aideon.core.route.RoutingException;

/**
 * Decides the client's status and error envelope for failures from the router and the executor. The rule:
 * the caller's mistakes are 4xx with the field named; our upstreams' failures are 429/502/503 and name the last
 * cause — never a 500 for something the client did.
 */
public final class ErrorMapper {
    private ErrorMapper() {
    }

    /** A handler's admission: tier, plan, rate, quota and budget, which may fail for routing or be refused. */
    @FunctionalInterface
    public interface AdmissionStep {
        Admission admit() throws RoutingException, RefusedException;
    }

    /**
     * Runs an admission; a routing failure or a refusal becomes the request's HTTP error. The admission carries
     * the caller's own request id ({@code null}: none) into the request's ledger row.
     */
    public static Admission admitted(String clientRequestId, AdmissionStep step) {
        try {
            return step.admit().tracedAs(clientRequestId);
        } catch (RoutingException e) {
            throw routing(e);
        } catch (RefusedException e) {
            throw ApiException.refused(e);
        }
    }

    public static ApiException routing(RoutingException e) {
        return switch (e.reason()) {
            case MODEL_NOT_FOUND -> new ApiException(404, "invalid_request_error", "model_not_found",
                    e.param() == null ? "model" : e.param(), e.getMessage());
            case TIER_NOT_ALLOWED -> new ApiException(403, "permission_error", "upgrade_required", "model",
                    e.getMessage() + (e.allowingTier() == null ? "" : " Tier '" + e.allowingTier()
                            + "' allows it."));
            case CONTEXT_LENGTH_EXCEEDED -> new ApiException(400, "invalid_request_error",
                    "context_length_exceeded", e.param() == null ? "messages" : e.param(), e.getMessage());
            case NO_CAPABLE_MODEL -> new ApiException(400, "invalid_request_error", "unsupported_parameter",
                    e.param(), e.getMessage());
            case NO_HEALTHY_CANDIDATE -> new ApiException(503, "service_unavailable", "no_healthy_candidate",
                    null, e.getMessage());
            case NO_LOCAL_ENGINE -> new ApiException(503, "service_unavailable", "no_local_engine", null,
                    e.getMessage());
        };
    }

    public static ApiException attempts(AllAttemptsFailedException e) {
        ProviderException last = e.last();
        String prefix = e.attempts().size() <= 1 ? "" : "All " + distinctCandidates(e) + " candidates failed ("
                + e.routeHeader() + "); last: ";
        return switch (last.kind()) {
            case BAD_REQUEST -> new ApiException(400, "invalid_request_error", null, last.param().orElse(null),
                    "The upstream rejected the request: " + last.getMessage());
            case CONTENT_POLICY -> new ApiException(400, "invalid_request_error", "content_policy_violation",
                    last.param().orElse(null), last.getMessage());
            case CONTEXT_LENGTH -> new ApiException(400, "invalid_request_error", "context_length_exceeded",
                    "messages", prefix + last.getMessage());
            case RATE_LIMITED -> new ApiException(429, "rate_limit_error", "rate_limit_exceeded", null,
                    prefix + "upstream rate limit: " + last.getMessage(),
                    last.retryAfter().map(d -> Math.max(1, d.toSeconds())).orElse(1L));
            case OVERLOADED, UNAVAILABLE, TIMEOUT -> new ApiException(503, "service_unavailable",
                    "upstream_unavailable", null, prefix + describe(last));
            case AUTH, NOT_FOUND -> new ApiException(502, "upstream_error", "upstream_error", null,
                    prefix + describe(last));
        };
    }

    /** The error event sent in-band when a stream breaks after its first byte. */
    public static ApiException midStream(ProviderException e) {
        return new ApiException(502, "upstream_error", "stream_interrupted", null,
                "The upstream stream broke after it had started (" + describe(e)
                        + "); the answer above is incomplete.");
    }

    private static String describe(ProviderException e) {
        return e.kind().name().toLowerCase(java.util.Locale.ROOT)
                + (e.upstreamStatus() > 0 ? " (" + e.upstreamStatus() + ")" : "") + ": " + e.getMessage();
    }

    private static long distinctCandidates(AllAttemptsFailedException e) {
        return e.attempts().stream().map(a -> a.provider() + "/" + a.modelId()).distinct().count();
    }
}
