package ai.aideon.providers.together.wire;

import ai.aideon.core.api.GeneratedImages;
import ai.aideon.core.api.ImageRequest;
import ai.aideon.providers.fetch.ImageTypes;
import ai.aideon.providers.http.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Together's {@code POST /images/generations} (PROVIDERS.md 2.2). Request: {@code model}, {@code prompt},
 * {@code n}, {@code width}, {@code height}, optional {@code seed} and {@code negative_prompt},
 * {@code response_format} {@code base64|url} (Together's names, not OpenAI's {@code b64_json}) and always
 * {@code output_format: png} — Together's default is jpeg, and OpenAI clients expect PNG. {@code steps} is left to
 * Together's per-model default: a turbo model and a full SDXL want very different counts.
 *
 * <p>Answer: {@code {"id","model","object":"list","data":[{"index","type","b64_json"|"url"}]}}; items are put in
 * {@code index} order.
 */
public final class ImageGenerationWire {
    private ImageGenerationWire() {
    }

    /** One batch of {@code n} images; {@code seed} is the batch's own seed (null: Together picks). */
    public static byte[] write(ImageRequest r, String model, int n, Long seed) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeStringField("prompt", r.prompt());
            g.writeNumberField("n", n);
            g.writeNumberField("width", r.width());
            g.writeNumberField("height", r.height());
            if (seed != null) {
                g.writeNumberField("seed", seed);
            }
            if (r.negativePrompt() != null && !r.negativePrompt().isBlank()) {
                g.writeStringField("negative_prompt", r.negativePrompt());
            }
            g.writeStringField("response_format", r.wantsUrls() ? "url" : "base64");
            g.writeStringField("output_format", "png");
            g.writeEndObject();
        });
    }

    /**
     * The images of an answer, at most {@code asked} (we bill per image delivered, so extras are not passed on).
     *
     * @param urlsAccepted whether URL items are fine (we asked for URLs); when we asked for base64 a URL means the
     *                     upstream ignored the request, and the gateway would have to download what it must hand out
     * @throws IOException a malformed answer, with what is wrong
     */
    public static List<GeneratedImages.Image> read(JsonNode root, int asked, boolean urlsAccepted) throws IOException {
        JsonNode data = root.get("data");
        if (data == null || !data.isArray() || data.isEmpty()) {
            throw new IOException("no images in data");
        }
        List<JsonNode> items = new ArrayList<>();
        data.forEach(items::add);
        items.sort(Comparator.comparingInt(item -> item.path("index").asInt(0))); // stable for missing indexes
        List<GeneratedImages.Image> images = new ArrayList<>(Math.min(asked, items.size()));
        for (JsonNode item : items.subList(0, Math.min(asked, items.size()))) {
            images.add(image(item, urlsAccepted));
        }
        return images;
    }

    private static GeneratedImages.Image image(JsonNode item, boolean urlsAccepted) throws IOException {
        String b64 = Json.text(item, "b64_json");
        if (b64 != null) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                throw new IOException("b64_json is not base64");
            }
            String type = ImageTypes.sniff(bytes).orElseThrow(() -> new IOException("b64_json is not an image"));
            return GeneratedImages.Image.ofBytes(bytes, type);
        }
        String url = Json.text(item, "url");
        if (url == null) {
            throw new IOException("an item has neither b64_json nor url");
        }
        if (!urlsAccepted) {
            throw new IOException("asked for base64 but got a url");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IOException("url is not a URL");
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IOException("url is not http(s)");
        }
        return GeneratedImages.Image.ofUrl(url);
    }
}
