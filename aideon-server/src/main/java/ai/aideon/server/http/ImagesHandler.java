package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.metering.Admission;
import ai.aideon.client.metering.Metering;
import ai.aideon.core.api.GeneratedImages;
import ai.aideon.core.api.ImageRequest;
import ai.aideon.core.api.Modality;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Usage;
import ai.aideon.core.route.AllAttemptsFailedException;
import ai.aideon.core.route.ChatExecutor.CallOutcome;
import ai.aideon.core.route.RouteContext;
import ai.aideon.core.tier.CostCalculator;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.tier.UsageLedger;
import ai.aideon.server.api.ApiException;
import ai.aideon.server.api.ChatRequestParser;
import ai.aideon.server.api.ErrorMapper;
import ai.aideon.server.api.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/images/generations} (OpenAI's shape) and {@code GET /aideon/v1/images/{id}.png}, where the gateway
 * serves the images it hosts for {@code response_format: url}.
 *
 * <p>Request: {@code prompt} (required), {@code model} (default {@code aideon/image}), {@code n} 1..10,
 * {@code size} {@code WxH} with each side 64..2048 and a multiple of 8 (diffusion models work on 8×8 latent
 * blocks; covers OpenAI's 256², 512², 1024², 1792×1024, 1024×1792, 1536×1024 …) or {@code auto} (1024×1024),
 * {@code response_format} {@code url} (default, as OpenAI) | {@code b64_json}, {@code quality}
 * standard|hd|low|medium|high|xhigh|max|auto, and the extensions {@code seed} and {@code negative_prompt}.
 * {@code user} is accepted and not forwarded (no image upstream takes it); {@code output_format} may only be png;
 * other OpenAI fields (style, background, moderation) are ignored.
 *
 * <p>Quality picks the route role when the request names none ({@code x-aideon-role} wins): hd/high/xhigh/max →
 * quality (Playground v2.5 first on the premium plan), low → quick (SDXL-Turbo first), the rest → the route's
 * primary.
 *
 * <p>Money: n × the dearest candidate's per-image price is reserved before any call; exactly the images delivered
 * are settled and recorded (ledger unit: images) before the response is written.
 */
final class ImagesHandler {
    static final String IMAGE_PATH = "/aideon/v1/images/";
    static final int MAX_N = 10;
    static final int MIN_SIDE = 64;
    static final int MAX_SIDE = 2048;
    /** gpt-image's prompt limit, the most generous of OpenAI's image models. */
    static final int MAX_PROMPT = 32_000;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");
    private static final Set<String> QUALITIES = Set.of("standard", "hd", "low", "medium", "high", "xhigh", "max",
            "auto");
    /** A Host header we are willing to echo into URLs: name, IPv4 or bracketed IPv6, optional port. */
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:\\d{1,5})?");

    private final AideonEngine engine;
    private final Clock clock;
    private final ImageStore store;

    ImagesHandler(AideonEngine engine, Clock clock, ImageStore store) {
        this.engine = engine;
        this.clock = clock;
        this.store = store;
    }

    /** A parsed request: what goes to the provider and how the client wants the images back. */
    record Parsed(ImageRequest request, boolean b64) {
    }

    void generate(ServerRequest req, ServerResponse res, String requestId) {
        Principal principal = Auth.require(engine, req);
        Parsed parsed = parse(ChatRequestParser.parseObject(req.content().as(byte[].class)));
        ImageRequest request = parsed.request();
        Role role = Exchange.header(req, "x-aideon-role").flatMap(Role::parse).orElse(roleFor(request.quality()));
        boolean localOnly = Exchange.localOnly(engine, req, false);
        Admission admission = ErrorMapper.admitted(Exchange.clientRequestId(req),
                () -> engine.admitModality(requestId, principal,
                request.model(), Modality.IMAGE, new RouteContext(principal.tier(), role, localOnly), 0,
                plan -> CostCalculator.imagesWorstCase(plan, request.n())));
        Metering metering = engine.metering();
        try {
            CallOutcome<GeneratedImages> outcome;
            try {
                outcome = engine.generateImages(request, admission.plan());
            } catch (AllAttemptsFailedException e) {
                res.headers().set(ChatHandler.ROUTE, e.routeHeader());
                ApiException error = ErrorMapper.attempts(e);
                if (metering != null) {
                    metering.failed(admission, e.attempts(), error.status(),
                            e.last().kind().name().toLowerCase(Locale.ROOT));
                }
                throw error;
            }
            List<GeneratedImages.Image> images = outcome.result().images();
            ChatHandler.routeHeaders(res, outcome.served(), outcome.routeHeader());
            if (images.isEmpty() || parsed.b64() && images.stream().anyMatch(i -> i.bytes() == null)) {
                // A provider broke its contract (bytes when asked for b64_json); nothing usable reached us.
                if (metering != null) {
                    metering.failed(admission, outcome.attempts(), 502, "unavailable");
                }
                throw new ApiException(502, "upstream_error", "upstream_error", null, "Provider "
                        + outcome.served().provider() + " returned no usable images for model "
                        + outcome.served().id() + ".");
            }
            Long cost = null;
            if (metering != null) {
                try {
                    cost = metering.succeeded(admission, outcome.served(), Usage.ZERO,
                            CostCalculator.imagesActual(outcome.served(), images.size()), outcome.attempts(), 200,
                            null);
                } catch (UsageLedger.LedgerUnavailableException e) {
                    throw new ApiException(503, "service_unavailable", "ledger_unavailable", null,
                            "The images were generated but could not be recorded, so they are withheld; retry "
                                    + "shortly.");
                }
                res.headers().set(ChatHandler.COST, Metering.usd(cost));
            }
            write(req, res, parsed.b64(), images, outcome, cost);
        } finally {
            if (metering != null) {
                metering.abandon(admission);
            }
        }
    }

    private void write(ServerRequest req, ServerResponse res, boolean b64, List<GeneratedImages.Image> images,
                       CallOutcome<GeneratedImages> outcome, Long costMicros) {
        List<String> urls = new ArrayList<>(images.size());
        if (!b64) {
            String base = publicBase(req);
            for (GeneratedImages.Image image : images) {
                urls.add(image.bytes() == null ? image.url() : base + IMAGE_PATH
                        + store.put(image.bytes(), image.mediaType()) + ImageStore.extension(image.mediaType()));
            }
        }
        Exchange.json(res, 200, Json.bytes(g -> {
            g.writeStartObject();
            g.writeNumberField("created", clock.millis() / 1000);
            g.writeArrayFieldStart("data");
            for (int i = 0; i < images.size(); i++) {
                GeneratedImages.Image image = images.get(i);
                g.writeStartObject();
                if (b64) {
                    g.writeFieldName("b64_json");
                    g.writeBinary(image.bytes()); // standard base64 with padding, as OpenAI's
                } else {
                    g.writeStringField("url", urls.get(i));
                }
                if (image.revisedPrompt() != null) {
                    g.writeStringField("revised_prompt", image.revisedPrompt());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("aideon");
            g.writeStringField("provider", outcome.served().provider());
            g.writeStringField("model", outcome.served().id());
            g.writeStringField("source", outcome.served().source().wire());
            g.writeStringField("route", outcome.routeHeader());
            g.writeNumberField("images", images.size());
            if (costMicros != null) {
                g.writeFieldName("cost_usd");
                g.writeNumber(BigDecimal.valueOf(costMicros, 6));
            }
            g.writeEndObject();
            g.writeEndObject();
        }));
    }

    /**
     * {@code GET /aideon/v1/images/{id}.png}: no API key, the unguessable id is the capability (see
     * {@link ImageStore}). Unknown, expired and malformed ids are the same 404.
     */
    void serve(ServerRequest req, ServerResponse res, String requestId) {
        String name = req.path().path().substring(IMAGE_PATH.length());
        int dot = name.indexOf('.');
        ImageStore.Stored image = store.get(dot < 0 ? name : name.substring(0, dot)).orElseThrow(() ->
                new ApiException(404, "invalid_request_error", "image_not_found", null, "No such image: generated "
                        + "images are kept for " + store.ttl().toMinutes() + " minutes; generate it again."));
        res.status(200);
        res.headers().set(HeaderNames.CONTENT_TYPE, image.mediaType());
        res.headers().set(HeaderNames.CACHE_CONTROL, "private, max-age=" + store.ttl().toSeconds());
        res.headers().set(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.send(image.bytes());
    }

    /**
     * Where the client reached us, for absolute image URLs: its own Host header (so a URL works from where the
     * client is), https when a TLS-terminating proxy says so, else the address the request arrived on.
     */
    private static String publicBase(ServerRequest req) {
        String scheme = Exchange.header(req, "x-forwarded-proto")
                .filter(p -> p.equalsIgnoreCase("https")).map(p -> "https").orElse("http");
        String host = req.headers().first(HeaderNames.HOST).map(String::trim)
                .filter(h -> HOST.matcher(h).matches())
                .orElseGet(() -> {
                    var local = req.localPeer().address();
                    return local instanceof java.net.InetSocketAddress a
                            ? "127.0.0.1:" + a.getPort() : "127.0.0.1";
                });
        return scheme + "://" + host;
    }

    static Role roleFor(String quality) {
        return switch (quality) {
            case "hd", "high", "xhigh", "max" -> Role.QUALITY;
            case "low" -> Role.QUICK;
            default -> null;
        };
    }

    static Parsed parse(ObjectNode body) {
        String model = "aideon/image";
        JsonNode m = body.get("model");
        if (m != null && !m.isNull()) {
            if (!m.isTextual() || m.asText().isBlank()) {
                throw ApiException.invalid("model", "'model' must be a model or route name, e.g. 'aideon/image'.");
            }
            model = m.asText();
        }
        JsonNode p = body.get("prompt");
        if (p == null || !p.isTextual() || p.asText().isBlank()) {
            throw ApiException.invalid("prompt", "Missing required parameter: 'prompt' (what to draw).");
        }
        if (p.asText().length() > MAX_PROMPT) {
            throw ApiException.invalid("prompt", "'prompt' may be at most " + MAX_PROMPT + " characters.");
        }
        int n = 1;
        JsonNode nNode = body.get("n");
        if (nNode != null && !nNode.isNull()) {
            if (!nNode.isIntegralNumber() || nNode.asLong() < 1 || nNode.asLong() > MAX_N) {
                throw ApiException.invalid("n", "'n' must be an integer from 1 to " + MAX_N + ".");
            }
            n = nNode.asInt();
        }
        int[] size = size(body.get("size"));
        String format = optionalText(body, "response_format", "url");
        if (!format.equals("url") && !format.equals("b64_json")) {
            throw ApiException.invalid("response_format", "'response_format' must be 'url' or 'b64_json'.");
        }
        String quality = optionalText(body, "quality", "auto");
        if (!QUALITIES.contains(quality)) {
            throw ApiException.invalid("quality",
                    "'quality' must be one of standard, hd, low, medium, high, xhigh, max, auto.");
        }
        String outputFormat = optionalText(body, "output_format", "png");
        if (!outputFormat.equals("png")) {
            throw ApiException.invalid("output_format", "Only 'png' is available as 'output_format'.");
        }
        Long seed = null;
        JsonNode s = body.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.isIntegralNumber() || !s.canConvertToLong() || s.asLong() < 0) {
                throw ApiException.invalid("seed", "'seed' must be a non-negative integer.");
            }
            seed = s.asLong();
        }
        String negative = optionalText(body, "negative_prompt", null);
        optionalText(body, "user", null);
        return new Parsed(new ImageRequest(model, p.asText(), n, size[0], size[1], quality, seed, negative,
                format.equals("url")), format.equals("b64_json"));
    }

    private static int[] size(JsonNode node) {
        if (node == null || node.isNull() || (node.isTextual() && node.asText().equals("auto"))) {
            return new int[]{1024, 1024};
        }
        String hint = "'size' must be WIDTHxHEIGHT with each side from " + MIN_SIDE + " to " + MAX_SIDE
                + " and a multiple of 8 (e.g. 1024x1024, 1792x1024), or 'auto'.";
        Matcher m = node.isTextual() ? SIZE.matcher(node.asText()) : null;
        if (m == null || !m.matches()) {
            throw ApiException.invalid("size", hint);
        }
        int w = Integer.parseInt(m.group(1));
        int h = Integer.parseInt(m.group(2));
        for (int side : new int[]{w, h}) {
            if (side < MIN_SIDE || side > MAX_SIDE || side % 8 != 0) {
                throw ApiException.invalid("size", hint);
            }
        }
        return new int[]{w, h};
    }

    /** A string field, its default when absent or null, a 400 naming it when it is not a string. */
    private static String optionalText(ObjectNode body, String field, String fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(field, "'" + field + "' must be a string.");
        }
        return v.asText();
    }
}
