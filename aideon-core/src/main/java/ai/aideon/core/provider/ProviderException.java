package ai.aideon.core.provider;

import java.time.Duration;
import java.util.Optional;

/**
 * Every upstream failure, as data. The {@link Kind} alone decides what the gateway does next: retry the same
 * candidate, fall back to the next one, or surface the error to the client. Messages must never contain keys.
 */
public final class ProviderException extends Exception {

    public enum Kind {
        /** 429 from the upstream: retry after Retry-After, then fall back. */
        RATE_LIMITED(true, true),
        /** 503 / overloaded / dynamic limit: retry with backoff, then fall back. */
        OVERLOADED(true, true),
        /** No (complete) answer in time: retry, then fall back. */
        TIMEOUT(true, true),
        /** Connection refused/reset, 5xx, broken framing: retry, then fall back. */
        UNAVAILABLE(true, true),
        /** Our key for the provider is wrong: no point retrying, another provider may work. */
        AUTH(false, true),
        /** The upstream does not know this model: another candidate may. */
        NOT_FOUND(false, true),
        /** The prompt did not fit this model: a bigger window may. */
        CONTEXT_LENGTH(false, true),
        /** The request itself is wrong: surface as a client error. */
        BAD_REQUEST(false, false),
        /** Refused by the upstream's safety system: surface; another model is not a way around policy. */
        CONTENT_POLICY(false, false);

        private final boolean retryable;
        private final boolean fallbackable;

        Kind(boolean retryable, boolean fallbackable) {
            this.retryable = retryable;
            this.fallbackable = fallbackable;
        }

        /** Worth trying the same candidate again (after backoff). */
        public boolean retryable() {
            return retryable;
        }

        /** Worth trying the next candidate. */
        public boolean fallbackable() {
            return fallbackable;
        }
    }

    private final Kind kind;
    private final int upstreamStatus;
    private final Duration retryAfter;
    private final String param;

    public ProviderException(Kind kind, String message) {
        this(kind, message, 0, null, null, null);
    }

    public ProviderException(Kind kind, String message, int upstreamStatus, Duration retryAfter, String param,
                             Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.upstreamStatus = upstreamStatus;
        this.retryAfter = retryAfter;
        this.param = param;
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP status the upstream sent, 0 when there was none (connection failure, in-process provider). */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The request parameter at fault, when the upstream named one. */
    public Optional<String> param() {
        return Optional.ofNullable(param);
    }

    /** Short form for route explanations: {@code 503}, {@code timeout}, {@code rate_limited(429)}. */
    public String shortCause() {
        return upstreamStatus > 0 ? String.valueOf(upstreamStatus) : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
