package ai.aideon.providers.openai.wire;

import ai.aideon.core.api.Usage;
import ai.aideon.providers.http.Json;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A {@code POST /embeddings} answer → vectors in input order. Read with the streaming parser: an answer for a large
 * batch holds millions of numbers.
 *
 * <p>Vectors are placed by {@code data[].index}, not by their position in {@code data}: the API ties each vector to
 * its input only through the index. An item without an index takes its position (servers that omit it answer in
 * order). Anything that does not give exactly one vector per input, all of one length, is malformed: a missing or
 * misplaced vector would silently attach the wrong meaning to a text.
 */
public final class EmbeddingResponseReader {
    private EmbeddingResponseReader() {
    }

    /**
     * What a 2xx body held.
     *
     * @param model         the model the upstream names, or null
     * @param usage         from {@code usage.prompt_tokens} (else {@code total_tokens}), or null when absent
     * @param errorDocument the body was an error object instead of a result (the other fields are then empty)
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
            float[][] slots = null;
            String model = null;
            Usage usage = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "data" -> slots = readData(p, inputCount);
                    case "model" -> model = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "usage" -> usage = value == JsonToken.START_OBJECT ? readUsage(p) : null;
                    case "error" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            return Parsed.ERROR_DOCUMENT;
                        }
                    }
                    // vLLM's older flat error shape: {"object":"error","message":…}
                    case "object" -> {
                        if (value == JsonToken.VALUE_STRING && "error".equals(p.getText())) {
                            return Parsed.ERROR_DOCUMENT;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (slots == null) {
                throw new JsonParseException(p, "no data array");
            }
            return new Parsed(model, List.of(slots), usage, false);
        }
    }

    private static float[][] readData(JsonParser p, int inputCount) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new JsonParseException(p, "data is not an array");
        }
        float[][] slots = new float[inputCount][];
        int position = 0;
        int filled = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "data[" + position + "] is not an object");
            }
            int index = -1;
            float[] vector = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("index") && value == JsonToken.VALUE_NUMBER_INT) {
                    index = p.getIntValue();
                } else if (field.equals("embedding") && value == JsonToken.START_ARRAY) {
                    vector = Json.readFloats(p);
                } else if (field.equals("embedding") && value == JsonToken.VALUE_STRING) {
                    throw new JsonParseException(p, "data[" + position + "].embedding is base64; floats were asked for");
                } else {
                    p.skipChildren();
                }
            }
            int slot = index >= 0 ? index : position;
            if (vector == null) {
                throw new JsonParseException(p, "data[" + position + "] has no embedding");
            }
            if (slot >= inputCount) {
                throw new JsonParseException(p, "data[" + position + "] has index " + slot + " but there are "
                        + inputCount + " inputs");
            }
            if (slots[slot] != null) {
                throw new JsonParseException(p, "two embeddings for index " + slot);
            }
            slots[slot] = vector;
            filled++;
            position++;
        }
        if (filled != inputCount) {
            throw new JsonParseException(p, filled + " embeddings for " + inputCount + " inputs");
        }
        int dimensions = slots.length == 0 ? 0 : slots[0].length;
        if (Arrays.stream(slots).anyMatch(v -> v.length != dimensions || v.length == 0)) {
            throw new JsonParseException(p, "embeddings of different or zero lengths");
        }
        return slots;
    }

    private static Usage readUsage(JsonParser p) throws IOException {
        long prompt = -1;
        long total = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NUMBER_INT && field.equals("prompt_tokens")) {
                prompt = p.getLongValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT && field.equals("total_tokens")) {
                total = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        long tokens = prompt >= 0 ? prompt : total;
        return tokens >= 0 ? new Usage(tokens, 0) : null;
    }
}
