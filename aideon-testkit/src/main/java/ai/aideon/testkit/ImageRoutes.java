package ai.aideon.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Together's image generation (PROVIDERS.md 2.2): {@code POST /v1/images/generations} answered with real JPEG or PNG
 * images of the requested size, as {@code base64} in the JSON or as URLs on a fake CDN
 * ({@code GET /imgproxy/<id>}, no key, like Together's), so adapters can prove both paths end to end.
 *
 * <p>Validation follows Together's spec: {@code prompt} and {@code model} required, {@code response_format}
 * {@code base64|url}, {@code output_format} {@code jpeg} (default) {@code |png}, {@code steps} 1..50. The docs give
 * {@code n} as 1..4 ({@link FakeUpstream#maxImagesPerRequest}). Unverified and therefore configurable: the default
 * {@code response_format} ({@link FakeUpstream#imageDefaultResponseFormat}, {@code url} here). The fake's own bound:
 * each side at most {@value #LARGEST_SIDE} pixels, so a test cannot make it allocate gigabytes.
 */
final class ImageRoutes {
    static final String CDN_PATH = "/imgproxy/";
    static final int LARGEST_SIDE = 2048;
    /** Hosted images kept for URL answers; older ones are dropped (the real CDN's links expire too). */
    private static final int MAX_HOSTED = 256;

    private final FakeUpstream upstream;
    private final Map<String, Hosted> hosted = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Hosted> eldest) {
            return size() > MAX_HOSTED;
        }
    };

    private record Hosted(String contentType, byte[] bytes) {}

    ImageRoutes(FakeUpstream upstream) {
        this.upstream = upstream;
    }

    Reply generate(HttpRequest req) throws BadRequestException {
        ObjectNode body = Json.parseObject(req.body());
        String prompt = Json.textOrNull(body, "prompt");
        if (prompt == null || prompt.isEmpty()) throw BadRequestException.missing("prompt");
        String model = Json.textOrNull(body, "model");
        if (model == null || model.isEmpty()) throw BadRequestException.missing("model");
        if (!upstream.catalog().knows(model)) return ProviderErrors.modelNotFound(Dialect.TOGETHER, model);
        int max = upstream.maxImagesPerRequest();
        int n = intField(body, "n", 1, 1, max);
        int width = intField(body, "width", 1024, 1, LARGEST_SIDE);
        int height = intField(body, "height", 1024, 1, LARGEST_SIDE);
        intField(body, "steps", 20, 1, 50);
        String responseFormat = oneOf(body, "response_format", upstream.imageDefaultResponseFormat(), "base64", "url");
        String outputFormat = oneOf(body, "output_format", "jpeg", "jpeg", "png");
        JsonNode seedNode = body.get("seed");
        if (seedNode != null && !seedNode.isNull() && !seedNode.isIntegralNumber()) {
            throw new BadRequestException("seed must be an integer", "seed", null);
        }
        long seed = seedNode == null || seedNode.isNull() ? prompt.hashCode() : seedNode.asLong();

        ObjectNode root = Json.object();
        root.put("id", upstream.ids().next());
        root.put("model", model);
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        String contentType = outputFormat.equals("png") ? "image/png" : "image/jpeg";
        for (int i = 0; i < n; i++) {
            byte[] image = picture(seed * 31 + i, prompt, width, height, outputFormat);
            ObjectNode item = data.addObject();
            item.put("index", i);
            if (responseFormat.equals("base64")) {
                item.put("type", "b64_json");
                item.put("b64_json", Base64.getEncoder().encodeToString(image));
            } else {
                String id = upstream.ids().next() + (outputFormat.equals("png") ? ".png" : ".jpg");
                synchronized (hosted) {
                    hosted.put(id, new Hosted(contentType, image));
                }
                item.put("type", "url");
                item.put("url", upstream.baseUrl() + CDN_PATH + id);
            }
        }
        return Reply.json(200, Json.bytes(root));
    }

    /** The fake CDN. Together's answers 403 to a blank User-Agent (its docs say so), so this one does too. */
    Reply cdn(HttpRequest req) {
        String ua = req.header("user-agent");
        if (ua == null || ua.isBlank()) {
            return new Reply.Full(403, "text/plain", List.of(), "Forbidden".getBytes(StandardCharsets.UTF_8));
        }
        Hosted h;
        synchronized (hosted) {
            h = hosted.get(req.path().substring(CDN_PATH.length()));
        }
        if (h == null) {
            return new Reply.Full(404, "text/plain", List.of(), "Not Found".getBytes(StandardCharsets.UTF_8));
        }
        return new Reply.Full(200, h.contentType(), List.of(), h.bytes());
    }

    /** A real image: two colour bands from the seed, so different seeds look different. */
    static byte[] picture(long seed, String prompt, int width, int height, String format) {
        SplittableRandom r = new SplittableRandom(seed ^ prompt.hashCode());
        int top = r.nextInt(0x1000000);
        int bottom = r.nextInt(0x1000000);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            int rgb = y < height / 2 ? top : bottom;
            for (int x = 0; x < width; x++) img.setRGB(x, y, rgb);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format.equals("png") ? "png" : "jpeg", out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int intField(ObjectNode body, String field, int fallback, int min, int max)
            throws BadRequestException {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw new BadRequestException(field + " must be an integer between " + min + " and " + max, field, null);
        }
        return v.asInt();
    }

    private static String oneOf(ObjectNode body, String field, String fallback, String... allowed)
            throws BadRequestException {
        String v = Json.textOrNull(body, field);
        if (v == null) return fallback;
        for (String a : allowed) if (a.equals(v)) return v;
        throw new BadRequestException("Invalid " + field + " '" + v + "'; expected one of " + String.join(", ", allowed),
                field, null);
    }
}
