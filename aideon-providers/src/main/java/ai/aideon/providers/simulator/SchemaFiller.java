package ai.aideon.providers.simulator;

import ai.aideon.providers.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Builds a JSON value that satisfies a (simple) JSON Schema: objects get their required properties (all declared
 * ones when none are marked required), enums their first value, strings a topic-flavoured phrase. Used for
 * json_schema answers and for tool-call arguments.
 */
final class SchemaFiller {
    private static final int MAX_DEPTH = 6;
    /** Property names that want a proper noun rather than a sentence. */
    private static final Set<String> NAME_LIKE = Set.of("city", "location", "country", "place", "name", "title",
            "topic", "subject", "query", "keyword", "term", "language");

    private SchemaFiller() {
    }

    /** Fills a schema given as raw JSON; a missing or unreadable schema yields an empty object. */
    static JsonNode fill(String schemaJson, Topic topic, SplittableRandom rng) {
        JsonNode schema = parse(schemaJson);
        return schema == null ? Json.MAPPER.createObjectNode() : value(schema, "value", topic, rng, 0);
    }

    /** The answer for {@code json_object}: a small object about the topic. */
    static ObjectNode defaultObject(Topic topic, SplittableRandom rng) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("topic", topic.phrase());
        o.put("answer", TextComposer.sentence(topic, rng));
        o.put("confidence", (50 + rng.nextInt(50)) / 100.0);
        return o;
    }

    private static JsonNode value(JsonNode schema, String propertyName, Topic topic, SplittableRandom rng, int depth) {
        JsonNode enumValues = schema.get("enum");
        if (enumValues != null && enumValues.isArray() && !enumValues.isEmpty()) {
            return enumValues.get(0);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        String type = type(schema);
        return switch (type) {
            case "object" -> depth >= MAX_DEPTH ? Json.MAPPER.createObjectNode() : object(schema, topic, rng, depth);
            case "array" -> array(schema, propertyName, topic, rng, depth);
            case "integer" -> Json.MAPPER.getNodeFactory().numberNode(1 + rng.nextInt(100));
            case "number" -> Json.MAPPER.getNodeFactory().numberNode(rng.nextInt(10_000) / 100.0);
            case "boolean" -> Json.MAPPER.getNodeFactory().booleanNode(rng.nextBoolean());
            case "null" -> Json.MAPPER.getNodeFactory().nullNode();
            default -> Json.MAPPER.getNodeFactory().textNode(text(propertyName, topic, rng));
        };
    }

    private static ObjectNode object(JsonNode schema, Topic topic, SplittableRandom rng, int depth) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        JsonNode properties = schema.path("properties");
        JsonNode required = schema.get("required");
        Iterator<String> names = required != null && required.isArray() && !required.isEmpty()
                ? textValues(required) : properties.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            JsonNode propertySchema = properties.path(name);
            out.set(name, value(propertySchema.isObject() ? propertySchema : Json.MAPPER.createObjectNode(), name,
                    topic, rng, depth + 1));
        }
        return out;
    }

    private static ArrayNode array(JsonNode schema, String name, Topic topic, SplittableRandom rng, int depth) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        JsonNode items = schema.get("items");
        int min = Math.max(1, schema.path("minItems").asInt(1));
        for (int i = 0; i < Math.min(min, 3) && depth < MAX_DEPTH; i++) {
            out.add(value(items != null && items.isObject() ? items : Json.MAPPER.createObjectNode(), name, topic, rng,
                    depth + 1));
        }
        return out;
    }

    private static String text(String propertyName, Topic topic, SplittableRandom rng) {
        String key = propertyName.toLowerCase(Locale.ROOT);
        if (NAME_LIKE.contains(key) || key.endsWith("_name") || key.endsWith("name")) {
            String w = topic == Topic.GENERIC ? "example" : topic.main();
            return Character.toUpperCase(w.charAt(0)) + w.substring(1);
        }
        return TextComposer.sentence(topic, rng);
    }

    /** The schema's type; a type array picks its first non-null entry; no type reads as object when it has properties. */
    private static String type(JsonNode schema) {
        JsonNode t = schema.get("type");
        if (t != null && t.isTextual()) {
            return t.asText();
        }
        if (t != null && t.isArray()) {
            for (JsonNode e : t) {
                if (!"null".equals(e.asText())) {
                    return e.asText();
                }
            }
        }
        return schema.has("properties") ? "object" : "string";
    }

    private static Iterator<String> textValues(JsonNode array) {
        Iterator<JsonNode> it = array.elements();
        return new Iterator<>() {
            public boolean hasNext() {
                return it.hasNext();
            }

            public String next() {
                return it.next().asText();
            }
        };
    }

    private static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }
}
