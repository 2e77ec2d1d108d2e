package ai.aideon.server.http;

import ai.aideon.server.api.ApiException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator dashboard at {@code /dashboard}: plain HTML, CSS and ES modules from the classpath
 * ({@code ai/aideon/server/dashboard/}). The files are public on purpose — they hold no data and no secret; the page
 * reads everything from the admin API with the admin key the operator types in, which stays in the browser tab.
 *
 * <p>Only flat file names of known types are served ({@code app.js}, never {@code a/b.js} or {@code ../x}), so a
 * request can name nothing outside that folder, however it is encoded. Every answer carries a strict
 * Content-Security-Policy (scripts, styles and fetches from this origin only: no inline script, no CDN) and
 * {@code Cache-Control: no-cache} with an ETag — the files are not fingerprinted, so a browser revalidates and
 * picks up a new version after an upgrade, at the cost of a 304 per file.
 */
final class DashboardHandler {
    static final String PATH = "/dashboard";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String RESOURCES = "ai/aideon/server/dashboard/";
    private static final Pattern FILE = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.(html|css|js|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");
    private static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");

    private record Asset(byte[] body, String contentType, String etag) {
    }

    /** Files found so far. Names that match nothing are not remembered, so made-up names cannot grow this. */
    private final Map<String, Asset> assets = new ConcurrentHashMap<>();

    /** {@code GET /dashboard}: the page. */
    void page(ServerRequest req, ServerResponse res, String requestId) {
        send(req, res, "index.html");
    }

    /** {@code GET /dashboard/<file>}; {@code /dashboard/} is the page too. */
    void file(ServerRequest req, ServerResponse res, String requestId) {
        String rest = req.path().path().substring(PATH.length() + 1);
        send(req, res, rest.isEmpty() ? "index.html" : rest);
    }

    private void send(ServerRequest req, ServerResponse res, String name) {
        securityHeaders(res);
        Asset asset = find(name);
        if (asset == null) {
            throw new ApiException(404, "invalid_request_error", "unknown_url", null,
                    "The dashboard has no file '" + printable(name) + "'.");
        }
        res.headers().set(HeaderNames.CACHE_CONTROL, "no-cache");
        res.headers().set(HeaderNames.ETAG, asset.etag());
        String seen = req.headers().first(HeaderNames.IF_NONE_MATCH).orElse(null);
        if (asset.etag().equals(seen)) {
            res.status(304);
            res.send();
            return;
        }
        res.status(200);
        res.headers().set(HeaderNames.CONTENT_TYPE, asset.contentType());
        res.send(asset.body());
    }

    /** Also on a 404: a browser must never run or frame anything from here but this origin's own files. */
    private static void securityHeaders(ServerResponse res) {
        res.headers().set(CSP, CONTENT_SECURITY_POLICY);
        res.headers().set(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.headers().set(REFERRER_POLICY, "no-referrer");
        res.headers().set(FRAME_OPTIONS, "DENY");
    }

    private Asset find(String name) {
        Matcher m = FILE.matcher(name);
        if (!m.matches()) {
            return null;
        }
        Asset known = assets.get(name);
        if (known != null) {
            return known;
        }
        byte[] body;
        try (InputStream in = DashboardHandler.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                return null;
            }
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read dashboard file " + name, e);
        }
        Asset asset = new Asset(body, TYPES.get(m.group(1).toLowerCase(Locale.ROOT)), etag(body));
        assets.put(name, asset);
        return asset;
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** The asked name for the error message, without control characters and not endlessly long. */
    private static String printable(String name) {
        String clean = name.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
    }
}
