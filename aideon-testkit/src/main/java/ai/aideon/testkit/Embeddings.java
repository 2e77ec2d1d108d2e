package ai.aideon.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic embeddings: a unit vector seeded by the input text, so equal texts embed equally across runs.
 * Default dimension is small ({@value #DEFAULT_DIMENSIONS}); {@code dimensions} in the request overrides it.
 */
final class Embeddings {

    static final int DEFAULT_DIMENSIONS = 16;

    private Embeddings() {}

    /** {@code POST /v1/embeddings} (Together's response has no usage, per its spec). */
    static Reply openAi(ObjectNode body, Dialect d, ModelCatalog catalog) throws BadRequestException {
        String model = Json.textOrNull(body, "model");
        if (model == null) throw new BadRequestException("you must provide a model parameter", null, null);
        if (!catalog.knows(model)) return ProviderErrors.modelNotFound(d, model);
        List<String> inputs = inputs(body.get("input"), "input");
        Reply.Full tooLong = inputOverWindow(d, catalog.window(model), inputs);
        if (tooLong != null) return tooLong;
        int dims = body.path("dimensions").asInt(DEFAULT_DIMENSIONS);
        boolean base64 = "base64".equals(Json.textOrNull(body, "encoding_format"));

        ObjectNode root = Json.object();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] v = vector(inputs.get(i), dims);
            tokens += Words.count(inputs.get(i));
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) item.put("embedding", base64(v));
            else item.set("embedding", floats(v));
        }
        root.put("model", model);
        if (d != Dialect.TOGETHER) {
            ObjectNode usage = root.putObject("usage");
            usage.put("prompt_tokens", tokens);
            usage.put("total_tokens", tokens);
        }
        return Reply.json(200, Json.bytes(root));
    }

    /**
     * OpenAI-style servers reject an input longer than the model's window (each input is embedded on its own, so the
     * longest one counts). Together's wording is unverified and Ollama truncates, so only the OpenAI dialect does.
     */
    private static Reply.Full inputOverWindow(Dialect d, Integer window, List<String> inputs) {
        if (d != Dialect.OPENAI || window == null) return null;
        int longest = 0;
        for (String input : inputs) longest = Math.max(longest, Words.count(input));
        return longest > window ? ProviderErrors.embeddingInputTooLong(d, window, longest) : null;
    }

    /** Ollama {@code POST /api/embed}. */
    static Reply ollama(ObjectNode body, ModelCatalog catalog) throws BadRequestException {
        String model = Json.textOrNull(body, "model");
        if (model == null) throw new BadRequestException("model is required", "model", null);
        if (!catalog.knows(model)) return ProviderErrors.modelNotFound(Dialect.OLLAMA_NATIVE, model);
        List<String> inputs = inputs(body.get("input"), "input");
        int dims = body.path("dimensions").asInt(DEFAULT_DIMENSIONS);
        ObjectNode root = Json.object();
        root.put("model", model);
        ArrayNode all = root.putArray("embeddings");
        int tokens = 0;
        for (String text : inputs) {
            all.add(floats(vector(text, dims)));
            tokens += Words.count(text);
        }
        root.put("total_duration", 14_143_917L);
        root.put("load_duration", 1_019_500L);
        root.put("prompt_eval_count", tokens);
        return Reply.json(200, Json.bytes(root));
    }

    private static List<String> inputs(JsonNode input, String param) throws BadRequestException {
        if (input == null || input.isNull()) throw BadRequestException.missing(param);
        List<String> out = new ArrayList<>();
        if (input.isArray()) for (JsonNode n : input) out.add(n.isTextual() ? n.asText() : n.toString());
        else out.add(input.asText());
        return out;
    }

    static float[] vector(String text, int dims) {
        SplittableRandom random = new SplittableRandom(text.hashCode());
        float[] v = new float[Math.max(1, dims)];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
            norm += v[i] * v[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) v[i] *= scale;
        return v;
    }

    private static ArrayNode floats(float[] v) {
        ArrayNode arr = Json.array();
        for (float f : v) arr.add(f);
        return arr;
    }

    /** OpenAI's base64 encoding: little-endian float32. */
    private static String base64(float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) buf.putFloat(f);
        return Base64.getEncoder().encodeToString(buf.array());
    }
}
