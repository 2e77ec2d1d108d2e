package ai.aideon.providers.engine;

import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.http.HttpAnswer;
import ai.aideon.providers.http.HttpTransport;
import ai.aideon.providers.http.Json;
import ai.aideon.providers.http.UpstreamError;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * GETs under one engine's root with the probe's timeouts, over a connection pool of its own: a probe never waits
 * behind a long generation holding the provider's connections.
 */
public final class EngineEndpoints {
    /** A health check or a model listing: an engine that takes longer than this is not healthy. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    /** Listings carry chat templates and many models; far below anything that could hurt. */
    private static final int MAX_BYTES = 4 * 1024 * 1024;

    private final HttpTransport http;
    private final ai.aideon.providers.Secret key;
    private final String root;
    private final Duration timeout;

    public EngineEndpoints(ProviderSettings settings, Clock clock) {
        Duration connect = settings.connectTimeout().compareTo(PROBE_TIMEOUT) < 0 ? settings.connectTimeout()
                : PROBE_TIMEOUT;
        this.http = new HttpTransport(new ProviderSettings(settings.name(), settings.type(), settings.source(),
                settings.baseUrl(), settings.apiKey(), connect, settings.options()), clock);
        this.root = rootOf(settings.baseUrl());
        this.key = settings.apiKey();
        this.timeout = PROBE_TIMEOUT;
    }

    /**
     * The server root of a configured base URL: trailing slashes and a trailing {@code /v1} go, so both
     * {@code http://127.0.0.1:8080} and {@code http://127.0.0.1:8080/v1} (as many guides write it) work. A path
     * prefix in front (a reverse proxy's {@code /llama}) stays.
     */
    public static String rootOf(URI baseUrl) {
        String s = baseUrl.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("/v1")) {
            s = s.substring(0, s.length() - 3);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    public String root() {
        return root;
    }

    /**
     * GET {@code path}; any status comes back, only no answer at all throws. A broken connection is tried once more:
     * after an engine restart the pooled keep-alive connection is dead although the new server is up, and one
     * stale socket must not mark it down for a whole probe interval. A timeout is not retried.
     */
    public HttpAnswer get(String path) throws ProviderException {
        URI uri = URI.create(root + path);
        try {
            return http.get(uri, timeout, MAX_BYTES);
        } catch (ProviderException e) {
            if (e.kind() != ProviderException.Kind.UNAVAILABLE) {
                throw e;
            }
            return http.get(uri, timeout, MAX_BYTES); // the dead connection left the pool; this one is new
        }
    }

    /** GET {@code path} that must answer 2xx with a JSON document. */
    public JsonNode getJson(String path) throws ProviderException {
        HttpAnswer a = get(path);
        if (!a.ok()) {
            throw http.errors().fromResponse(a.status(), ai.aideon.providers.http.ResponseHeaders.NONE, a.body());
        }
        return parse(path, a.body());
    }

    /** POST a JSON body to {@code path} that must answer 2xx with a JSON document (Ollama's /api/show). */
    public JsonNode postJson(String path, byte[] json) throws ProviderException {
        try (var body = http.postJson(URI.create(root + path), json, timeout, false)) {
            return parse(path, body.readAll());
        }
    }

    private JsonNode parse(String path, byte[] bytes) throws ProviderException {
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            if (node == null || !node.isContainerNode()) {
                throw http.errors().malformed(path + " is not a JSON document", null);
            }
            return node;
        } catch (IOException e) {
            throw http.errors().malformed(path + " is not JSON", e);
        }
    }

    /**
     * A short description of a non-2xx probe answer: the server's own message when it sent one (redacted: a server
     * echoing our key must not put it into health output or logs).
     */
    public String describe(HttpAnswer a) {
        JsonNode status = statusField(a);
        String message = status != null && status.isTextual() ? status.asText() : UpstreamError.parse(a.body()).message();
        return "HTTP " + a.status() + (message == null || message.isBlank() ? ""
                : ": " + ai.aideon.providers.http.Redactor.redact(message, key));
    }

    /** whisper.cpp answers {@code {"status":"loading model"}} rather than an error object. */
    private static JsonNode statusField(HttpAnswer a) {
        try {
            JsonNode n = Json.MAPPER.readTree(a.body());
            return n == null ? null : n.get("status");
        } catch (IOException e) {
            return null;
        }
    }

    /** The probe result for a failed request: the transport's own words (refused, timed out). */
    public static ProbeResult unreachable(ProviderException e) {
        String m = e.getMessage();
        int colon = m == null ? -1 : m.indexOf(": ");
        return ProbeResult.down(colon > 0 ? m.substring(colon + 2) : e.kind().name().toLowerCase(java.util.Locale.ROOT));
    }
}
