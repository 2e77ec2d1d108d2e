package ai.aideon.core.route;

/**
 * The router could not produce a plan. The reason maps one-to-one onto the client error:
 * MODEL_NOT_FOUND → 404 model_not_found, TIER_NOT_ALLOWED → 403, CONTEXT_LENGTH_EXCEEDED → 400
 * context_length_exceeded, NO_CAPABLE_MODEL → 400 (e.g. tools asked of a route without tool models),
 * NO_HEALTHY_CANDIDATE / NO_LOCAL_ENGINE → 503.
 */
public final class RoutingException extends Exception {

    public enum Reason {
        MODEL_NOT_FOUND, TIER_NOT_ALLOWED, CONTEXT_LENGTH_EXCEEDED, NO_CAPABLE_MODEL, NO_HEALTHY_CANDIDATE,
        NO_LOCAL_ENGINE
    }

    private final Reason reason;
    private final String param;
    /** For TIER_NOT_ALLOWED: a tier that would allow the request (may be null). */
    private final String allowingTier;

    public RoutingException(Reason reason, String message, String param, String allowingTier) {
        super(message, null, false, false);
        this.reason = reason;
        this.param = param;
        this.allowingTier = allowingTier;
    }

    public Reason reason() {
        return reason;
    }

    public String param() {
        return param;
    }

    public String allowingTier() {
        return allowingTier;
    }
}
