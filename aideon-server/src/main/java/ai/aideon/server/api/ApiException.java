package ai.aideon.server.api;

/**
 * A client-visible error: status plus the four fields of OpenAI's envelope
 * {@code {"error":{"message","type","param","code"}}}. Thrown anywhere in request handling, rendered once.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Long retryAfterSeconds;

    public ApiException(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, null);
    }

    public ApiException(int status, String type, String code, String param, String message, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A refusal from the money path (tier, rate, quota, budget), as the client sees it. */
    public static ApiException refused(ai.aideon.client.metering.RefusedException e) {
        return new ApiException(e.status(), e.type(), e.code(), e.param(), e.getMessage(), e.retryAfterSeconds());
    }

    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", null, param, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
