package ai.aideon.providers.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The one ObjectMapper of the adapters. ObjectMapper and JsonFactory are thread-safe once configured, and creating
 * them is expensive, so every adapter shares these.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final JsonFactory FACTORY = MAPPER.getFactory();

    private Json() {
    }

    /** Writes one JSON document with the streaming API (no intermediate tree) and returns its UTF-8 bytes. */
    public static byte[] write(JsonWriter writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            writer.write(gen);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise request", e);
        }
        return out.toByteArray();
    }

    /** Text of a field, or null when it is missing or JSON null. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /**
     * Reads the array of numbers the parser stands on (at its {@code START_ARRAY}) straight into floats, leaving the
     * parser on its {@code END_ARRAY}. Embedding answers hold millions of numbers; a tree would box each one.
     */
    public static float[] readFloats(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new JsonParseException(p, "expected an array of numbers");
        }
        float[] out = new float[1024];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                throw new JsonParseException(p, "expected a number, found " + t);
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = p.getFloatValue();
        }
        return Arrays.copyOf(out, n);
    }

    @FunctionalInterface
    public interface JsonWriter {
        void write(JsonGenerator gen) throws IOException;
    }
}
