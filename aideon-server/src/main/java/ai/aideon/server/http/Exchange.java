package ai.aideon.server.http;

import ai.aideon.server.api.ApiException;
import ai.aideon.server.api.Json;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Small helpers around one Helidon request/response pair: ids, headers, JSON bodies, errors. */
final class Exchange {
    static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    static final HeaderName CLIENT_REQUEST_ID = HeaderNames.create("x-client-request-id");
    static final HeaderName RETRY_AFTER = HeaderNames.create("Retry-After");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String JSON = "application/json";

    private Exchange() {
    }

    /**
     * A fresh id for a request, always the gateway's own: {@code req_}, 12 hex digits of the epoch millisecond, 20
     * random hex digits (80 bits). It is the ledger row's key, so it must be unique: a caller's own
     * {@code x-request-id} is not (a retry, a proxy that reuses ids, a client dodging metering), and a second row
     * under the same key would be dropped with its usage. The caller's id is kept beside it
     * ({@link #clientRequestId}). Time first because ids that grow with time land in the same few index pages, so a
     * batch of rows writes a few pages instead of one per row (about half the SQLite work per row in a batch).
     */
    static String requestId() {
        return newRequestId(System.currentTimeMillis());
    }

    /**
     * The caller's own {@code x-request-id} when it is sane (up to 64 of {@code A-Za-z0-9._-}), else null: echoed as
     * {@code x-client-request-id} and recorded in the request's ledger row, for tracing across hops.
     */
    static String clientRequestId(ServerRequest req) {
        Optional<String> given = req.headers().first(REQUEST_ID);
        return given.isPresent() && CLIENT_ID.matcher(given.get()).matches() ? given.get() : null;
    }

    static String newRequestId(long epochMillis) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + hex(epochMillis, 12) + hex(r.nextLong(), 16) + hex(r.nextInt(), 4);
    }

    /** The low {@code digits} hex digits of {@code value}, zero-padded. */
    private static String hex(long value, int digits) {
        char[] out = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = Character.forDigit((int) (value & 0xF), 16);
            value >>>= 4;
        }
        return new String(out);
    }

    static Optional<String> header(ServerRequest req, String name) {
        return req.headers().first(HeaderNames.create(name)).map(String::trim).filter(s -> !s.isEmpty());
    }

    /**
     * Whether the request must stay on local engines: it asked ({@code x-aideon-privacy: local_only}, or
     * {@code asked} from another source such as a query parameter), or the engine is offline or cut off from the
     * cloud.
     */
    static boolean localOnly(ai.aideon.client.AideonEngine engine, ServerRequest req, boolean asked) {
        boolean header = header(req, "x-aideon-privacy")
                .map(p -> p.toLowerCase(java.util.Locale.ROOT).equals("local_only")).orElse(false);
        return engine.localOnly(asked || header);
    }

    static void json(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.headers().set(HeaderNames.CONTENT_TYPE, JSON);
        res.send(body);
    }

    static void error(ServerResponse res, ApiException e) {
        if (e.retryAfterSeconds() != null) {
            res.headers().set(RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        }
        json(res, e.status(), Json.error(e));
    }
}
