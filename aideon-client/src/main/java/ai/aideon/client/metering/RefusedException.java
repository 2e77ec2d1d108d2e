package ai.aideon.client.metering;

/**
 * A request refused before any upstream call because of the caller's tier, rate, quota or budget. Carries
 * exactly what the client is told: status, OpenAI error type and code, and when to retry.
 */
public final class RefusedException extends Exception {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Long retryAfterSeconds;

    public RefusedException(int status, String type, String code, String param, String message,
                            Long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
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
