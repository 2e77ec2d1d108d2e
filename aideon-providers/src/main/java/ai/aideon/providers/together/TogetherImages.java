package ai.aideon.providers.together;

import ai.aideon.core.api.GeneratedImages;
import ai.aideon.core.api.ImageRequest;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.http.ErrorMapper;
import ai.aideon.providers.http.HttpTransport;
import ai.aideon.providers.http.Json;
import ai.aideon.providers.http.ResponseBody;
import ai.aideon.providers.http.UpstreamError;
import ai.aideon.providers.together.wire.ImageGenerationWire;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Together image generation: {@code POST /images/generations} (see {@link ImageGenerationWire}).
 *
 * <p>Together takes at most {@code maxPerCall} images per request (its docs: 1..4), while OpenAI clients may ask
 * for up to 10, so a larger {@code n} is sent as consecutive batches. With a seed, each batch gets
 * {@code seed + images so far}: the same request gives the same images, and batches do not repeat each other. If a
 * later batch fails, the images already made (and paid for at Together) are returned rather than thrown away; the
 * caller is billed for exactly those.
 */
final class TogetherImages {
    private static final Logger LOG = LoggerFactory.getLogger(TogetherImages.class);

    private final String name;
    private final HttpTransport http;
    private final ErrorMapper errors;
    private final URI uri;
    private final int maxPerCall;

    TogetherImages(String name, HttpTransport http, URI uri, int maxPerCall) {
        if (maxPerCall < 1) {
            throw new IllegalArgumentException("max_images_per_request must be at least 1");
        }
        this.name = name;
        this.http = http;
        this.errors = http.errors();
        this.uri = uri;
        this.maxPerCall = maxPerCall;
    }

    GeneratedImages generate(ModalityCall<ImageRequest> call) throws ProviderException {
        ImageRequest r = call.request();
        if (r.prompt() == null || r.prompt().isBlank()) {
            throw errors.badRequest("prompt is empty: there is nothing to draw", "prompt");
        }
        String model = call.model() != null ? call.model().upstreamId() : r.model();
        long start = System.nanoTime();
        List<GeneratedImages.Image> images = new ArrayList<>(r.n());
        while (images.size() < r.n()) {
            int batch = Math.min(maxPerCall, r.n() - images.size());
            Long seed = r.seed() == null ? null : r.seed() + images.size();
            try {
                images.addAll(batch(r, model, batch, seed, remaining(call.timeout(), start)));
            } catch (ProviderException e) {
                if (images.isEmpty()) {
                    throw e;
                }
                LOG.warn("{}: {} of {} images made before a later batch failed ({}); returning those",
                        name, images.size(), r.n(), e.getMessage());
                break;
            }
        }
        return new GeneratedImages(images);
    }

    private List<GeneratedImages.Image> batch(ImageRequest r, String model, int n, Long seed, Duration timeout)
            throws ProviderException {
        ResponseBody body = http.postJson(uri, ImageGenerationWire.write(r, model, n, seed), timeout, false);
        byte[] bytes = body.readAll();
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw errors.malformed("images answer is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw errors.malformed("images answer is not a JSON object", null);
        }
        if (UpstreamError.isErrorDocument(root)) {
            throw errors.fromInBand(root);
        }
        try {
            List<GeneratedImages.Image> images = ImageGenerationWire.read(root, n, r.wantsUrls());
            LOG.debug("{} made {} images, request-id {}", name, images.size(), body.requestId());
            return images;
        } catch (IOException e) {
            throw errors.malformed(e.getMessage(), e);
        }
    }

    /** What is left of the call's timeout for the next batch (null: no timeout). */
    private static Duration remaining(Duration timeout, long startNanos) {
        if (timeout == null) {
            return null;
        }
        Duration left = timeout.minusNanos(System.nanoTime() - startNanos);
        return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
    }
}
