package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.core.tier.Principal;
import ai.aideon.server.api.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * Bearer-key authentication. Error messages never echo the key the client sent (it may be a real key sent to
 * the wrong place, and errors end up in logs).
 */
final class Auth {
    private Auth() {
    }

    static Principal require(AideonEngine engine, ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        if (header == null || header.isBlank()) {
            throw new ApiException(401, "invalid_request_error", "missing_api_key", null,
                    "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
        }
        String key = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (key == null || key.isEmpty()) {
            throw new ApiException(401, "invalid_request_error", "invalid_api_key", null,
                    "The Authorization header must be 'Bearer <key>'.");
        }
        return engine.authenticate(key).orElseThrow(() -> new ApiException(401, "invalid_request_error",
                "invalid_api_key", null, "Incorrect API key provided."));
    }

    /** Operator endpoints: an admin key, or 403 (the caller is known, just not allowed). */
    static Principal requireAdmin(AideonEngine engine, ServerRequest req) {
        Principal p = require(engine, req);
        if (!p.admin()) {
            throw new ApiException(403, "permission_error", "admin_required", null,
                    "This endpoint needs an admin key.");
        }
        return p;
    }
}
