package ai.aideon.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds a small JSON value that satisfies a JSON schema's {@code required} properties, for tool-call arguments
 * and structured output. Values are fixed samples (string "Oslo", number 1, boolean true) so tests can assert them.
 */
final class SchemaSamples {

    static final String SAMPLE_STRING = "Oslo";
    private static final int MAX_DEPTH = 8; // guards against recursive schemas

    private SchemaSamples() {}

    /** An object holding a sample for every required property of {@code schema} (empty if none / no schema). */
    static ObjectNode objectFor(JsonNode schema) {
        return objectFor(schema, 0);
    }

    private static ObjectNode objectFor(JsonNode schema, int depth) {
        ObjectNode out = Json.object();
        if (schema == null || depth > MAX_DEPTH) return out;
        JsonNode props = schema.path("properties");
        for (JsonNode req : schema.path("required")) {
            String name = req.asText();
            out.set(name, valueFor(props.get(name), depth + 1));
        }
        return out;
    }

    private static JsonNode valueFor(JsonNode schema, int depth) {
        if (schema == null || depth > MAX_DEPTH) return Json.MAPPER.getNodeFactory().textNode(SAMPLE_STRING);
        JsonNode en = schema.get("enum");
        if (en != null && en.isArray() && !en.isEmpty()) return en.get(0);
        if (schema.has("const")) return schema.get("const");
        for (String combinator : new String[] {"anyOf", "oneOf", "allOf"}) {
            JsonNode options = schema.get(combinator);
            if (options != null && options.isArray() && !options.isEmpty()) return valueFor(options.get(0), depth + 1);
        }
        var f = Json.MAPPER.getNodeFactory();
        return switch (typeOf(schema)) {
            case "integer", "number" -> f.numberNode(1);
            case "boolean" -> f.booleanNode(true);
            case "null" -> f.nullNode();
            case "object" -> objectFor(schema, depth + 1);
            case "array" -> {
                ArrayNode arr = Json.array();
                if (schema.has("items")) arr.add(valueFor(schema.get("items"), depth + 1));
                yield arr;
            }
            default -> f.textNode(SAMPLE_STRING);
        };
    }

    /** The schema's type; for {@code ["string","null"]} the first non-null type. */
    private static String typeOf(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) return schema.has("properties") ? "object" : "string";
        if (type.isArray()) {
            for (JsonNode t : type) if (!t.asText().equals("null")) return t.asText();
            return "null";
        }
        return type.asText();
    }
}
