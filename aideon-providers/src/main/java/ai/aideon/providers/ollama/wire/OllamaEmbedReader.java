package ai.aideon.providers.ollama.wire;

import ai.aideon.core.api.Usage;
import ai.aideon.providers.http.Json;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code /api/embed} answer ({@code {"model","embeddings":[[…],…],"prompt_eval_count"}}) → vectors. Ollama lists
 * the vectors in input order without indices, so anything but one vector per input, all of one length, is malformed.
 * Read with the streaming parser, as a batch can hold millions of numbers.
 */
public final class OllamaEmbedReader {
    private OllamaEmbedReader() {
    }

    /**
     * @param usage         from {@code prompt_eval_count}, or null when absent
     * @param errorDocument the body was {@code {"error":…}} instead of a result (the other fields are then empty)
     */
    public record Parsed(String model, List<float[]> vectors, Usage usage, boolean errorDocument) {
        static final Parsed ERROR_DOCUMENT = new Parsed(null, List.of(), null, true);
    }

    /** @throws IOException for invalid JSON and for a result that does not fit the inputs (message says which) */
    public static Parsed read(byte[] body, int inputCount) throws IOException {
        try (JsonParser p = Json.FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "expected a JSON object");
            }
            List<float[]> vectors = null;
            String model = null;
            Usage usage = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "embeddings" -> vectors = readEmbeddings(p);
                    case "model" -> model = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "prompt_eval_count" -> usage = value == JsonToken.VALUE_NUMBER_INT && p.getLongValue() >= 0
                            ? new Usage(p.getLongValue(), 0) : null;
                    case "error" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            return Parsed.ERROR_DOCUMENT;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (vectors == null) {
                throw new JsonParseException(p, "no embeddings array");
            }
            if (vectors.size() != inputCount) {
                throw new JsonParseException(p, vectors.size() + " embeddings for " + inputCount + " inputs");
            }
            int dimensions = vectors.isEmpty() ? 0 : vectors.get(0).length;
            if (vectors.stream().anyMatch(v -> v.length != dimensions || v.length == 0)) {
                throw new JsonParseException(p, "embeddings of different or zero lengths");
            }
            return new Parsed(model, vectors, usage, false);
        }
    }

    private static List<float[]> readEmbeddings(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new JsonParseException(p, "embeddings is not an array");
        }
        List<float[]> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(Json.readFloats(p));
        }
        return out;
    }
}
