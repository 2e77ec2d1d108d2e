package ai.aideon.providers.fetch;

/** We would not fetch this URL, or would not accept what it returned: the client's mistake, a 400. */
public final class FetchRefusedException extends ImageFetchException {

    public enum Reason {
        /** Not an http(s) URL, carries user info, or its host or port is malformed. */
        UNSUPPORTED_URL,
        /** The host is, or resolves to, an address the {@link AddressPolicy} forbids — first URL or a redirect. */
        FORBIDDEN_ADDRESS,
        TOO_MANY_REDIRECTS,
        /** Declared or actual body larger than the limit. */
        TOO_LARGE,
        /** Content type not allowed, or the bytes are not the image type declared. */
        NOT_AN_ALLOWED_IMAGE,
        /** A {@code data:} URI that is not a base64 image. */
        INVALID_DATA_URI
    }

    private final Reason reason;

    FetchRefusedException(Reason reason, String message) {
        super(message, null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
