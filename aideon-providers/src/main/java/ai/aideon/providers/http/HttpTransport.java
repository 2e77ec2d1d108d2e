package ai.aideon.providers.http;

import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderSettings;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP side of one provider instance: one {@link HttpClient} (connection pool) per instance, HTTP/1.1 only
 * (the JDK client would otherwise try an h2c upgrade on plain-http local engines, which some of them mishandle),
 * JSON POSTs with the bearer key, and failures mapped to {@link ProviderException}.
 */
public final class HttpTransport {
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final String HEADER_OPTION_PREFIX = "header.";

    private final HttpClient client;
    private final ErrorMapper errors;
    private final String authorization;
    private final String[] extraHeaders;

    public HttpTransport(ProviderSettings settings, Clock clock) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.errors = new ErrorMapper(settings.name(), settings.apiKey(), clock);
        this.authorization = settings.apiKey().present() ? "Bearer " + settings.apiKey().reveal() : null;
        this.extraHeaders = extraHeaders(settings.options());
    }

    public ErrorMapper errors() {
        return errors;
    }

    /**
     * POSTs a JSON body. Returns only for a 2xx answer; its body is watched by {@code timeout}: as an idle timeout
     * for streams, as the rest of the call's deadline otherwise.
     *
     * @param timeout the call's timeout, or null for none
     */
    public ResponseBody postJson(URI uri, byte[] json, Duration timeout, boolean stream) throws ProviderException {
        long startNanos = System.nanoTime();
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream, application/x-ndjson" : "application/json")
                .header("User-Agent", "aideon-router");
        if (authorization != null) {
            rb.header("Authorization", authorization);
        }
        if (extraHeaders.length > 0) {
            rb.headers(extraHeaders);
        }
        if (timeout != null) {
            rb.timeout(timeout);
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw errors.fromIo(e, false);
        } catch (InterruptedException e) {
            throw errors.interrupted(e);
        }
        InputStream raw = response.body();
        InputStream in = raw;
        if (timeout != null) {
            Duration remaining = timeout.minusNanos(System.nanoTime() - startNanos);
            in = stream ? WatchedInputStream.idle(raw, timeout)
                    : WatchedInputStream.deadline(raw, remaining.isNegative() ? Duration.ofMillis(1) : remaining);
        }
        ResponseBody body = new ResponseBody(in, response.headers(), errors);
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            byte[] errorBody = body.readErrorBody(MAX_ERROR_BODY);
            body.close();
            throw errors.fromResponse(status, response.headers(), errorBody);
        }
        return body;
    }

    private static String[] extraHeaders(Map<String, String> options) {
        List<String> out = new ArrayList<>();
        options.forEach((k, v) -> {
            if (k.startsWith(HEADER_OPTION_PREFIX) && v != null) {
                out.add(k.substring(HEADER_OPTION_PREFIX.length()));
                out.add(v);
            }
        });
        return out.toArray(String[]::new);
    }
}
