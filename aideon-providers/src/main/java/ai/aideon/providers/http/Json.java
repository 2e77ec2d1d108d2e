package ai.aideon.providers.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

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

    @FunctionalInterface
    public interface JsonWriter {
        void write(JsonGenerator gen) throws IOException;
    }
}
