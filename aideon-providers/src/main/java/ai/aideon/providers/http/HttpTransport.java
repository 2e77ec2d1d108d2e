package ai.aideon.providers.http;

import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderSettings;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.ReleasableResource;
import io.helidon.webclient.api.WebClientServiceResponse;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientConfig;
import io.helidon.webclient.http1.Http1ClientResponse;

import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP side of one provider instance: one Helidon {@link Http1Client} with its own keep-alive pool per instance,
 * HTTP/1.1 only, no redirects, JSON POSTs with the bearer key, and failures mapped to {@link ProviderException}.
 *
 * <p>Helidon's client is blocking and made for virtual threads: a call is a write and reads on the caller's thread,
 * without the JDK client's selector thread, filter chain and CompletableFuture hand-offs, which cost the gateway
 * more CPU than everything else it does per request.
 */
public final class HttpTransport {
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final String HEADER_OPTION_PREFIX = "header.";
    private static final Header ACCEPT_JSON = HeaderValues.create(HeaderNames.ACCEPT, "application/json");
    private static final Header ACCEPT_STREAM =
            HeaderValues.create(HeaderNames.ACCEPT, "text/event-stream, application/x-ndjson");
    private static final Header ACCEPT_AUDIO =
            HeaderValues.create(HeaderNames.ACCEPT, "audio/*, application/octet-stream, application/json");
    private static final Header CONTENT_JSON = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
    /**
     * Stands in for "no call timeout". Not zero: Helidon also uses a connection's last read timeout as its idle limit
     * in the pool, and zero would drop pooled connections after 0.1 s.
     */
    private static final Duration NO_TIMEOUT = Duration.ofDays(1);
    /**
     * Hands each call's connection from the client service below to {@link #post}, which runs on the same thread:
     * Helidon's response does not expose it, and closing it is the only safe way to abort a body (see
     * {@link EntityStream}).
     */
    private static final ThreadLocal<ReleasableResource> CALL_CONNECTION = new ThreadLocal<>();

    private final Http1Client client;
    private final ErrorMapper errors;

    public HttpTransport(ProviderSettings settings, Clock clock) {
        Http1ClientConfig.Builder builder = Http1Client.builder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(false)
                // Direct connections, as with the JDK client. Helidon's default is the system proxy selector, which
                // would also be consulted on every request.
                .proxy(Proxy.noProxy())
                // One pool per provider instance, as with the JDK client; Helidon's default is one JVM-wide pool.
                .shareConnectionCache(false)
                // Only our own client service below, no tracing/metrics ones picked up from the classpath.
                .servicesDiscoverServices(false)
                // A request's last segment must not wait for the upstream's delayed ACK (Nagle: up to ~40 ms).
                .socketOptions(s -> s.tcpNoDelay(true))
                .addService((chain, request) -> {
                    WebClientServiceResponse response = chain.proceed(request);
                    CALL_CONNECTION.set(response.connection());
                    return response;
                })
                .addHeader(HeaderNames.USER_AGENT, "aideon-router");
        if (settings.apiKey().present()) {
            builder.addHeader(HeaderNames.AUTHORIZATION, "Bearer " + settings.apiKey().reveal());
        }
        extraHeaders(settings.options()).forEach(builder::addHeader);
        this.client = builder.build();
        this.errors = new ErrorMapper(settings.name(), settings.apiKey(), clock);
    }

    public ErrorMapper errors() {
        return errors;
    }

    /**
     * POSTs a JSON body. Returns only for a 2xx answer; its body is watched by {@code timeout}: as an idle timeout
     * for streams, as the rest of the call's deadline otherwise. Each socket read is also limited to
     * {@code timeout}, which bounds the wait for the status line and headers.
     *
     * @param timeout the call's timeout, or null for none
     */
    public ResponseBody postJson(URI uri, byte[] json, Duration timeout, boolean stream) throws ProviderException {
        return post(uri, CONTENT_JSON, stream ? ACCEPT_STREAM : ACCEPT_JSON, json, timeout, stream);
    }

    /**
     * POSTs a JSON body that is answered with audio bytes. The body is watched like a stream (an idle timeout, not a
     * deadline): audio is relayed to the client while the upstream is still producing it.
     */
    public ResponseBody postJsonForAudio(URI uri, byte[] json, Duration timeout) throws ProviderException {
        return post(uri, CONTENT_JSON, ACCEPT_AUDIO, json, timeout, true);
    }

    /** POSTs a multipart/form-data body (an upload) that is answered with JSON; otherwise as {@link #postJson}. */
    public ResponseBody postMultipart(URI uri, MultipartForm form, Duration timeout) throws ProviderException {
        return post(uri, HeaderValues.create(HeaderNames.CONTENT_TYPE, form.contentType()), ACCEPT_JSON,
                form.bytes(), timeout, false);
    }

    /**
     * GETs a small resource (a health endpoint, a model list) and returns it whatever its status, read whole up to
     * {@code maxBytes}. Only a failure to get an answer at all (refused, reset, timed out) throws.
     *
     * @param timeout bounds each socket read and the whole body
     */
    public HttpAnswer get(URI uri, Duration timeout, int maxBytes) throws ProviderException {
        long startNanos = System.nanoTime();
        Http1ClientResponse response;
        ReleasableResource connection;
        try {
            response = client.get().uri(uri).header(ACCEPT_JSON).readTimeout(timeout).request();
            connection = CALL_CONNECTION.get();
        } catch (RuntimeException e) {
            throw requestFailed(e);
        } finally {
            CALL_CONNECTION.remove();
        }
        String type = response.headers().first(HeaderNames.CONTENT_TYPE).orElse(null);
        Duration remaining = timeout.minusNanos(System.nanoTime() - startNanos);
        ResponseBody body = new ResponseBody(WatchedInputStream.deadline(new EntityStream(response, connection),
                remaining.isNegative() ? Duration.ofMillis(1) : remaining), view(response.headers()), errors);
        try (body) {
            byte[] bytes = body.stream().readNBytes(maxBytes + 1);
            if (body.timedOut()) {
                throw errors.fromIo(new java.io.IOException("body timed out"), true);
            }
            if (bytes.length > maxBytes) {
                throw errors.malformed(uri.getPath() + " answered more than " + maxBytes + " bytes", null);
            }
            return new HttpAnswer(response.status().code(), type, bytes);
        } catch (java.io.IOException e) {
            throw body.failure(e);
        }
    }

    /** A request that failed before a full status line and headers arrived. */
    private ProviderException requestFailed(RuntimeException e) {
        if (Thread.currentThread().isInterrupted()) {
            // An interrupt in blocking socket I/O closes the socket; it is not the upstream's failure.
            InterruptedException interrupted = new InterruptedException("interrupted during the upstream call");
            interrupted.initCause(e);
            return errors.interrupted(interrupted);
        }
        // Refused, reset, timed out or closed before a full status line and headers: all unchecked in Helidon.
        return errors.fromIo(EntityStream.broken(e), false);
    }

    private ResponseBody post(URI uri, Header contentType, Header accept, byte[] entity, Duration timeout,
                              boolean stream) throws ProviderException {
        long startNanos = System.nanoTime();
        Http1ClientResponse response;
        ReleasableResource connection;
        try {
            response = client.post()
                    .uri(uri)
                    .header(contentType)
                    .header(accept)
                    .readTimeout(timeout != null ? timeout : NO_TIMEOUT)
                    .submit(entity);
            connection = CALL_CONNECTION.get();
        } catch (RuntimeException e) {
            throw requestFailed(e);
        } finally {
            CALL_CONNECTION.remove();
        }
        ResponseHeaders headers = view(response.headers());
        InputStream in = new EntityStream(response, connection);
        if (timeout != null) {
            Duration remaining = timeout.minusNanos(System.nanoTime() - startNanos);
            in = stream ? WatchedInputStream.idle(in, timeout)
                    : WatchedInputStream.deadline(in, remaining.isNegative() ? Duration.ofMillis(1) : remaining);
        }
        ResponseBody body = new ResponseBody(in, headers, errors);
        int status = response.status().code();
        if (status < 200 || status > 299) {
            byte[] errorBody = body.readErrorBody(MAX_ERROR_BODY);
            body.close();
            throw errors.fromResponse(status, headers, errorBody);
        }
        return body;
    }

    private static ResponseHeaders view(Headers headers) {
        return name -> headers.first(HeaderNames.create(name));
    }

    private static Map<String, String> extraHeaders(Map<String, String> options) {
        Map<String, String> out = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (k.startsWith(HEADER_OPTION_PREFIX) && v != null) {
                out.put(k.substring(HEADER_OPTION_PREFIX.length()), v);
            }
        });
        return out;
    }
}
