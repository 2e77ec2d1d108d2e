package ai.aideon.providers.http;

import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.Secret;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * Turns every upstream failure into a {@link ProviderException} whose kind decides retry/fallback/surface.
 *
 * <p>Decisions worth knowing: 402 (Together: billing) and 429 {@code insufficient_quota} (OpenAI: billing) map to
 * {@link Kind#AUTH}: like a bad key, our account at that provider cannot serve anything right now, retrying is
 * pointless and another provider may work. 503/529 are {@link Kind#OVERLOADED} (Together's dynamic limits answer
 * 503). Messages are redacted: no key, no bearer token.
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private final String provider;
    private final Secret key;
    private final Clock clock;

    public ErrorMapper(String provider, Secret key, Clock clock) {
        this.provider = provider;
        this.key = key;
        this.clock = clock;
    }

    /** A non-2xx answer. */
    public ProviderException fromResponse(int status, ResponseHeaders headers, byte[] body) {
        UpstreamError err = UpstreamError.parse(body);
        Kind kind = kindForStatus(status, err);
        Duration retryAfter = kind == Kind.RATE_LIMITED || kind == Kind.OVERLOADED
                ? RetryAfter.parse(headers, clock) : null;
        String requestId = requestId(headers);
        String message = describe("HTTP " + status, err, requestId);
        LOG.debug("{} failed: {}", provider, message);
        return new ProviderException(kind, message, status, retryAfter, err.param(), null);
    }

    /** An error object sent inside a 200 stream ({@code data: {"error":…}} or an NDJSON {@code {"error":…}} line). */
    public ProviderException fromInBand(JsonNode document) {
        UpstreamError err = UpstreamError.fromDocument(document);
        int status = err.numericCode() >= 400 && err.numericCode() <= 599 ? err.numericCode() : 0;
        Kind kind = status > 0 ? kindForStatus(status, err) : kindForLabels(err, Kind.UNAVAILABLE);
        String message = describe("error in stream", err, null);
        return new ProviderException(kind, message, status, null, err.param(), null);
    }

    /**
     * Transport failures: refused, reset, closed, timed out. {@code SocketTimeoutException} is a connect timeout or a
     * socket read that waited longer than the call's timeout.
     */
    public ProviderException fromIo(IOException e, boolean timedOut) {
        if (timedOut || e instanceof SocketTimeoutException) {
            return new ProviderException(Kind.TIMEOUT, provider + ": timed out waiting for the upstream", 0, null,
                    null, e);
        }
        String what = e instanceof ConnectException ? "connection refused" : "connection failed";
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : Redactor.redact(e.getMessage(), key);
        return new ProviderException(Kind.UNAVAILABLE, provider + ": " + what + " (" + detail + ")", 0, null, null, e);
    }

    /** A stream whose connection failed before its terminator ({@code [DONE]}, {@code done:true}). */
    public ProviderException streamBroken(String terminator, IOException e, boolean timedOut) {
        if (timedOut || e instanceof SocketTimeoutException) {
            return fromIo(e, true);
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : Redactor.redact(e.getMessage(), key);
        return new ProviderException(Kind.UNAVAILABLE,
                provider + ": stream ended before " + terminator + " (" + detail + ")", 0, null, null, e);
    }

    public ProviderException malformed(String what, Exception cause) {
        return new ProviderException(Kind.UNAVAILABLE, provider + ": malformed upstream response (" + what + ")", 0,
                null, null, cause);
    }

    public ProviderException unavailable(String message) {
        return new ProviderException(Kind.UNAVAILABLE, provider + ": " + message);
    }

    public ProviderException badRequest(String message, String param) {
        return new ProviderException(Kind.BAD_REQUEST, provider + ": " + message, 0, null, param, null);
    }

    public ProviderException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ProviderException(Kind.UNAVAILABLE, provider + ": interrupted", 0, null, null, e);
    }

    static Kind kindForStatus(int status, UpstreamError err) {
        return switch (status) {
            case 400 -> kindForLabels(err, Kind.BAD_REQUEST);
            case 413, 415, 422 -> Kind.BAD_REQUEST;
            case 401, 402, 403 -> Kind.AUTH;
            case 404 -> Kind.NOT_FOUND;
            case 408, 504 -> Kind.TIMEOUT;
            case 429 -> "insufficient_quota".equals(err.code()) || "insufficient_quota".equals(err.type())
                    ? Kind.AUTH : Kind.RATE_LIMITED;
            case 503, 529 -> Kind.OVERLOADED;
            default -> status >= 500 ? Kind.UNAVAILABLE : status >= 400 ? Kind.BAD_REQUEST : Kind.UNAVAILABLE;
        };
    }

    /** Classifies by the code/type/message text when the status alone does not tell. */
    static Kind kindForLabels(UpstreamError err, Kind otherwise) {
        String labels = (nz(err.code()) + " " + nz(err.type())).toLowerCase(Locale.ROOT);
        String message = nz(err.message()).toLowerCase(Locale.ROOT);
        if (labels.contains("context_length") || labels.contains("exceed_context")
                || message.contains("maximum context length") || message.contains("context length exceeded")
                || message.contains("exceeds the available context size")
                || (message.contains("max_new_tokens") && message.contains("tokens"))) {
            return Kind.CONTEXT_LENGTH;
        }
        if (labels.contains("content_policy") || labels.contains("content_filter")) {
            return Kind.CONTENT_POLICY;
        }
        if (labels.contains("rate_limit") || labels.contains("_limited")) {
            return Kind.RATE_LIMITED;
        }
        if (labels.contains("overloaded") || message.contains("overloaded")) {
            return Kind.OVERLOADED;
        }
        if (labels.contains("timeout")) {
            return Kind.TIMEOUT;
        }
        return otherwise;
    }

    private String describe(String what, UpstreamError err, String requestId) {
        StringBuilder sb = new StringBuilder(provider).append(": ").append(what);
        if (err.label() != null) {
            sb.append(" (").append(Redactor.redact(err.label(), key)).append(')');
        }
        if (err.message() != null) {
            sb.append(": ").append(Redactor.redact(err.message(), key));
        }
        if (requestId != null) {
            sb.append(" [request-id ").append(Redactor.redact(requestId, key)).append(']');
        }
        return sb.toString();
    }

    /** OpenAI and most servers send {@code x-request-id}; Together's SDK reads Cloudflare's {@code cf-ray}. */
    public static String requestId(ResponseHeaders headers) {
        if (headers == null) {
            return null;
        }
        return headers.first("x-request-id").or(() -> headers.first("cf-ray")).orElse(null);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
