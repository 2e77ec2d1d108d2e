package ai.aideon.providers.ollama.wire;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Ollama's model listing ({@code GET /api/tags}) and model details ({@code POST /api/show}), as far as discovery
 * needs them.
 */
public final class OllamaModelReader {
    private OllamaModelReader() {
    }

    /** One installed model; the digest changes when the model is pulled again. */
    public record Tag(String name, String digest) {
    }

    /**
     * What {@code /api/show} tells about running one model.
     *
     * @param trainedContext {@code model_info["<architecture>.context_length"]}, 0 when absent
     * @param numCtx         {@code num_ctx} from the Modelfile's {@code parameters}: the window Ollama really uses
     *                       for this model unless a request says otherwise; null when the Modelfile sets none
     * @param capabilities   e.g. {@code completion}, {@code tools}, {@code vision}, {@code embedding},
     *                       {@code thinking}; null when the server is too old to report them
     * @param family         {@code details.family}, e.g. {@code llama}, {@code nomic-bert}
     */
    public record Show(int trainedContext, Integer numCtx, Set<String> capabilities, String family) {
    }

    /** {@code {"models":[{"name","model","digest",…}]}} → tags; entries without a name are left out. */
    public static List<Tag> tags(JsonNode root) {
        List<Tag> out = new ArrayList<>();
        for (JsonNode m : root.path("models")) {
            String name = text(m, "name");
            if (name == null) {
                name = text(m, "model");
            }
            if (name != null && !name.isBlank()) {
                out.add(new Tag(name, text(m, "digest")));
            }
        }
        return out;
    }

    public static Show show(JsonNode root) {
        JsonNode info = root.path("model_info");
        String arch = text(info, "general.architecture");
        int trained = 0;
        if (arch != null && info.path(arch + ".context_length").canConvertToInt()) {
            trained = info.get(arch + ".context_length").asInt();
        } else {
            // Some conversions omit general.architecture; the key still ends the same way.
            for (Iterator<Map.Entry<String, JsonNode>> it = info.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().endsWith(".context_length") && e.getValue().canConvertToInt()) {
                    trained = e.getValue().asInt();
                    break;
                }
            }
        }
        Set<String> caps = null;
        if (root.path("capabilities").isArray()) {
            caps = new LinkedHashSet<>();
            for (JsonNode c : root.get("capabilities")) {
                caps.add(c.asText().toLowerCase(Locale.ROOT));
            }
        }
        return new Show(trained, numCtx(text(root, "parameters")), caps, text(root.path("details"), "family"));
    }

    /** The Modelfile parameters are lines of {@code name value}, e.g. {@code num_ctx 8192}. */
    static Integer numCtx(String parameters) {
        if (parameters == null) {
            return null;
        }
        for (String line : parameters.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals("num_ctx")) {
                try {
                    int n = Integer.parseInt(parts[1]);
                    return n > 0 ? n : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }
}
