package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.server.api.ApiException;
import ai.aideon.server.api.Json;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.RequestException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Set;

/**
 * The OpenAI-compatible HTTP gateway on Helidon SE 4 (one virtual thread per request, plain blocking code).
 * Every response carries {@code x-request-id}; every error uses OpenAI's envelope.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final Set<String> KNOWN_PATHS = Set.of("/v1/chat/completions", "/v1/completions", "/v1/models",
            "/v1/embeddings", "/v1/audio/speech", "/v1/audio/transcriptions", "/v1/audio/translations",
            "/v1/images/generations",
            "/aideon/v1/explain", "/aideon/v1/health", "/health", "/aideon/v1/estimate", "/aideon/v1/usage",
            "/aideon/v1/admin/keys", "/aideon/v1/admin/tenants", "/aideon/v1/admin/reconciliation",
            "/aideon/v1/admin/conversions", "/aideon/v1/admin/reload", "/aideon/v1/admin/requests",
            "/aideon/v1/admin/tiers", DashboardHandler.PATH);

    private final WebServer server;

    private GatewayServer(WebServer server) {
        this.server = server;
    }

    public static GatewayServer start(AideonEngine engine, String host, int port) {
        return start(engine, host, port, Clock.systemUTC());
    }

    public static GatewayServer start(AideonEngine engine, String host, int port, Clock clock) {
        return start(engine, host, port, clock, null);
    }

    /**
     * @param reloadSource loads the config again for {@code POST /aideon/v1/admin/reload} (prices and routes
     *                     without a restart); null when the gateway has nothing to reload from
     */
    public static GatewayServer start(AideonEngine engine, String host, int port, Clock clock,
                                      java.util.concurrent.Callable<ai.aideon.client.config.AideonConfig> reloadSource) {
        ChatHandler chat = new ChatHandler(engine, clock);
        CatalogHandler catalog = new CatalogHandler(engine, clock.millis() / 1000);
        ExplainHandler explain = new ExplainHandler(engine);
        OpsHandler ops = new OpsHandler(engine);
        AdminHandler admin = new AdminHandler(engine);
        EmbeddingsHandler embeddings = new EmbeddingsHandler(engine);
        AudioHandler audio = new AudioHandler(engine);
        ImagesHandler images = new ImagesHandler(engine, clock, new ImageStore());
        DashboardHandler dashboard = new DashboardHandler();
        HttpRouting.Builder routing = HttpRouting.builder()
                .post("/v1/chat/completions", guarded(chat::chat))
                .post("/v1/completions", guarded(chat::completion))
                .post("/v1/embeddings", guarded(embeddings::embed))
                .post("/v1/audio/speech", guarded(audio::speech))
                .post("/v1/audio/transcriptions", guarded(audio::transcriptions))
                .post("/v1/audio/translations", guarded(audio::translations))
                .post("/v1/images/generations", guarded(images::generate))
                .get(ImagesHandler.IMAGE_PATH + "*", guarded(images::serve))
                .get("/v1/models", guarded(catalog::list))
                .get("/v1/models/*", guarded(catalog::one))
                .get("/aideon/v1/explain", guarded(explain::explain))
                .post("/aideon/v1/explain", guarded(explain::explain))
                .post("/aideon/v1/estimate", guarded(explain::estimate))
                .get("/aideon/v1/usage", guarded(admin::usage))
                .post("/aideon/v1/admin/keys", guarded(admin::createKey))
                .get("/aideon/v1/admin/keys", guarded(admin::listKeys))
                .post("/aideon/v1/admin/keys/*", guarded(admin::keyAction))
                .get("/aideon/v1/admin/tenants", guarded(admin::tenants))
                .post("/aideon/v1/admin/tenants", guarded(admin::upsertTenant))
                .get("/aideon/v1/admin/reconciliation", guarded(admin::reconciliation))
                .get("/aideon/v1/admin/conversions", guarded(admin::conversions))
                .get("/aideon/v1/admin/requests", guarded(admin::requests))
                .get("/aideon/v1/admin/tiers", guarded(admin::tiers))
                .post("/aideon/v1/admin/reload", guarded((req, res, id) -> reload(engine, reloadSource, req, res)))
                .get("/aideon/v1/health", guarded(ops::health))
                .post("/aideon/v1/simulator/*", guarded(ops::simulator))
                .get("/health", guarded(ops::live))
                .get(DashboardHandler.PATH, guarded(dashboard::page))
                .get(DashboardHandler.PATH + "/*", guarded(dashboard::file))
                .any(guarded(GatewayServer::notFound))
                .error(RequestException.class, (req, res, e) -> {
                    // Helidon's own rejections (oversized or malformed requests) still get OpenAI's envelope.
                    int status = e.status().code();
                    String message = status == 413 ? "The request body is too large." : "Bad request: " + e.getMessage();
                    Exchange.json(res, status, Json.error(message, "invalid_request_error", null,
                            status == 413 ? "request_too_large" : null));
                });
        WebServer server = WebServer.builder()
                .host(host)
                .port(port)
                .maxPayloadSize(engine.config().server().maxBodyBytes())
                // Streams flush one small SSE event per token: with Nagle on, each waits for the client's delayed
                // ACK (~40 ms). Helidon leaves TCP_NODELAY off by default.
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                .routing(routing)
                .build()
                .start();
        return new GatewayServer(server);
    }

    private static io.helidon.webserver.http.Handler guarded(Endpoint endpoint) {
        return (req, res) -> {
            String requestId = Exchange.requestId();
            res.header(Exchange.REQUEST_ID, requestId);
            String clientRequestId = Exchange.clientRequestId(req);
            if (clientRequestId != null) {
                res.header(Exchange.CLIENT_REQUEST_ID, clientRequestId);
            }
            try {
                endpoint.handle(req, res, requestId);
            } catch (ApiException e) {
                if (!res.isSent()) {
                    Exchange.error(res, e);
                }
            } catch (Exception e) {
                // A bug on our side, never the client's: log it with the id, tell the client no internals.
                LOG.error("request {} (client id {}) failed unexpectedly", requestId, clientRequestId, e);
                if (!res.isSent()) {
                    Exchange.json(res, 500, Json.error("The gateway failed unexpectedly (request " + requestId
                            + "); this is a bug on our side.", "server_error", null, null));
                }
            }
        };
    }

    private static void reload(AideonEngine engine,
                               java.util.concurrent.Callable<ai.aideon.client.config.AideonConfig> source,
                               ServerRequest req, ServerResponse res) {
        Auth.requireAdmin(engine, req);
        if (source == null) {
            throw new ApiException(409, "invalid_request_error", "not_reloadable", null,
                    "This gateway was started without a config file to reload from.");
        }
        java.util.List<String> changes;
        try {
            changes = engine.reloadCatalog(source.call());
        } catch (ai.aideon.client.config.ConfigException e) {
            throw new ApiException(400, "invalid_request_error", "invalid_config", null,
                    "The config file has problems; the running catalog is unchanged:\n" + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_request_error", "invalid_config", null, e.getMessage());
        } catch (Exception e) {
            throw new ApiException(500, "server_error", null, null, "Reload failed: " + e.getMessage());
        }
        LOG.info("catalog reloaded: {}", changes.isEmpty() ? "no changes" : String.join("; ", changes));
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeBooleanField("reloaded", true);
            g.writeArrayFieldStart("changes");
            for (String c : changes) {
                g.writeString(c);
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    private static void notFound(ServerRequest req, ServerResponse res, String requestId) {
        String path = req.path().path();
        if (KNOWN_PATHS.contains(path)) {
            throw new ApiException(405, "invalid_request_error", "method_not_allowed", null,
                    "Method " + req.prologue().method().text() + " is not allowed on " + path + ".");
        }
        throw new ApiException(404, "invalid_request_error", "unknown_url", null,
                "Unknown request URL: " + req.prologue().method().text() + " " + path + ".");
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
