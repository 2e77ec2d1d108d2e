package ai.aideon.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Shared Jackson access and the two framings (SSE, NDJSON) the fakes emit. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] SSE_PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Parses a request body that must be a JSON object. */
    static ObjectNode parseObject(byte[] body) throws BadRequestException {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw BadRequestException.malformedJson();
        }
        if (node == null || !node.isObject()) throw BadRequestException.malformedJson();
        return (ObjectNode) node;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // trees we build ourselves always serialize
        }
    }

    static String text(JsonNode node) {
        return new String(bytes(node), StandardCharsets.UTF_8);
    }

    /** One SSE event: {@code data: <json>\n\n}. */
    static byte[] sse(JsonNode node) {
        byte[] json = bytes(node);
        byte[] frame = new byte[SSE_PREFIX.length + json.length + 2];
        System.arraycopy(SSE_PREFIX, 0, frame, 0, SSE_PREFIX.length);
        System.arraycopy(json, 0, frame, SSE_PREFIX.length, json.length);
        frame[frame.length - 2] = '\n';
        frame[frame.length - 1] = '\n';
        return frame;
    }

    /** One NDJSON line: {@code <json>\n}. */
    static byte[] ndjson(JsonNode node) {
        byte[] json = bytes(node);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    /** Text of a field, or null when absent or JSON null. */
    static String textOrNull(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
