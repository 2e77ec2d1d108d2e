package ai.aideon.server.http;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** A route handler that is given the request id; errors it throws are rendered by {@link GatewayServer}. */
@FunctionalInterface
interface Endpoint {
    void handle(ServerRequest req, ServerResponse res, String requestId) throws Exception;
}
