package ai.aideon.client;

/**
 * Why an in-process call failed, with the same classification the HTTP API uses: {@code status} and
 * {@code code} are what the gateway would have answered (404 model_not_found, 400 context_length_exceeded,
 * 503 upstream_unavailable, …).
 */
public final class AideonException extends Exception {
    private final int status;
    private final String code;

    public AideonException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
