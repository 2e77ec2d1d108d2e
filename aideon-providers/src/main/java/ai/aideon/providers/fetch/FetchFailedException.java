package ai.aideon.providers.fetch;

/** We tried to fetch the image and the host did not deliver it. */
public final class FetchFailedException extends ImageFetchException {

    public enum Reason {
        /** The total deadline (name lookup, connect, TLS, redirects and body together) or the connect timeout. */
        TIMEOUT,
        /** The name does not resolve, or no resolved address accepts a connection. */
        UNREACHABLE,
        /** TLS handshake failed: untrusted certificate, or one not issued for the URL's host name. */
        TLS,
        /** The host answered with a status other than 200 or a redirect; see {@link #httpStatus()}. */
        HTTP_STATUS,
        /** Malformed or truncated HTTP, or an encoding we did not ask for. */
        BAD_RESPONSE
    }

    private final Reason reason;
    private final int httpStatus;

    FetchFailedException(Reason reason, String message, Throwable cause) {
        this(reason, 0, message, cause);
    }

    FetchFailedException(Reason reason, int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.httpStatus = httpStatus;
    }

    public Reason reason() {
        return reason;
    }

    /** The image host's status for {@link Reason#HTTP_STATUS}, otherwise 0. */
    public int httpStatus() {
        return httpStatus;
    }
}
