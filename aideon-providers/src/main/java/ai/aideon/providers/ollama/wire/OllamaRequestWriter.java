package ai.aideon.providers.ollama.wire;

import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ContentPart;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolChoice;
import ai.aideon.core.api.ToolSpec;
import ai.aideon.providers.http.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Canonical request → Ollama native JSON. Expects a request the adapter already validated (n = 1, inline images
 * only). {@code stream} is always written: Ollama streams unless told otherwise.
 */
public final class OllamaRequestWriter {
    private static final String BASE64_MARKER = ";base64,";

    private OllamaRequestWriter() {
    }

    /**
     * @param numCtx    context size to ask for, or null for the server's default
     * @param keepAlive how long Ollama keeps the model loaded ({@code "5m"}), or null for its default
     */
    public static byte[] chat(ChatRequest r, String model, boolean stream, Integer numCtx, String keepAlive) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            writeMessages(g, r);
            writeTools(g, r);
            writeCommon(g, r, stream, numCtx, keepAlive);
            g.writeEndObject();
        });
    }

    /** Body for {@code /api/generate}, used for legacy completions. */
    public static byte[] generate(ChatRequest r, String prompt, String model, boolean stream, Integer numCtx,
                                  String keepAlive) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeStringField("prompt", prompt);
            writeCommon(g, r, stream, numCtx, keepAlive);
            g.writeEndObject();
        });
    }

    /**
     * Body for {@code /api/embed}. {@code truncate} is left at Ollama's default (true: over-long input is cut to the
     * model's context), as the in-process embedding model does too.
     */
    public static byte[] embed(EmbeddingRequest r, String model, String keepAlive) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeArrayFieldStart("input");
            for (String text : r.inputs()) {
                g.writeString(text);
            }
            g.writeEndArray();
            if (r.dimensions() != null) {
                g.writeNumberField("dimensions", r.dimensions());
            }
            if (keepAlive != null) {
                g.writeStringField("keep_alive", keepAlive);
            }
            g.writeEndObject();
        });
    }

    /** The base64 payload of a {@code data:} URI, or null when the URL is not one. */
    public static String inlineImageData(String url) {
        if (url == null || !url.startsWith("data:")) {
            return null;
        }
        int marker = url.indexOf(BASE64_MARKER);
        return marker < 0 ? null : url.substring(marker + BASE64_MARKER.length());
    }

    private static void writeCommon(JsonGenerator g, ChatRequest r, boolean stream, Integer numCtx,
                                    String keepAlive) throws IOException {
        g.writeBooleanField("stream", stream);
        writeFormat(g, r.responseFormat());
        writeOptions(g, r, numCtx);
        if (keepAlive != null) {
            g.writeStringField("keep_alive", keepAlive);
        }
    }

    private static void writeMessages(JsonGenerator g, ChatRequest r) throws IOException {
        // Ollama links a tool result to its call by function name, not id: remember which id named which function.
        Map<String, String> toolNameById = new HashMap<>();
        g.writeArrayFieldStart("messages");
        for (ChatMessage m : r.messages()) {
            g.writeStartObject();
            g.writeStringField("role", "developer".equals(m.role()) ? "system" : m.role());
            g.writeStringField("content", m.text());
            writeImages(g, m);
            if (!m.toolCalls().isEmpty()) {
                g.writeArrayFieldStart("tool_calls");
                for (ToolCall c : m.toolCalls()) {
                    toolNameById.put(c.id(), c.name());
                    g.writeStartObject();
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", c.name());
                    g.writeFieldName("arguments");
                    g.writeTree(argumentsObject(c.argumentsJson()));
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if ("tool".equals(m.role())) {
                String toolName = m.name() != null ? m.name() : toolNameById.get(m.toolCallId());
                if (toolName != null) {
                    g.writeStringField("tool_name", toolName);
                }
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeImages(JsonGenerator g, ChatMessage m) throws IOException {
        if (!m.hasImages()) {
            return;
        }
        g.writeArrayFieldStart("images");
        for (ContentPart p : m.content()) {
            if (p instanceof ContentPart.Image i) {
                g.writeString(inlineImageData(i.url()));
            }
        }
        g.writeEndArray();
    }

    /** Ollama wants the arguments object itself; invalid history arguments become {} rather than failing the call. */
    private static JsonNode argumentsObject(String argumentsJson) {
        if (argumentsJson != null && !argumentsJson.isBlank()) {
            try {
                JsonNode n = Json.MAPPER.readTree(argumentsJson);
                if (n != null && n.isObject()) {
                    return n;
                }
            } catch (IOException invalid) {
                // fall through
            }
        }
        return Json.MAPPER.createObjectNode();
    }

    private static void writeTools(JsonGenerator g, ChatRequest r) throws IOException {
        if (!r.wantsTools()) {
            return;
        }
        // Ollama has no tool_choice: a forced function is approximated by offering only that function.
        ToolChoice choice = r.toolChoice();
        String only = choice != null && "function".equals(choice.mode()) ? choice.functionName() : null;
        g.writeArrayFieldStart("tools");
        for (ToolSpec t : r.tools()) {
            if (only != null && !only.equals(t.name())) {
                continue;
            }
            g.writeStartObject();
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", t.name());
            if (t.description() != null) {
                g.writeStringField("description", t.description());
            }
            g.writeFieldName("parameters");
            if (t.parametersJson() != null) {
                g.writeRawValue(t.parametersJson());
            } else {
                g.writeRawValue("{\"type\":\"object\",\"properties\":{}}");
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeFormat(JsonGenerator g, ResponseFormat f) throws IOException {
        if (f == null || !f.wantsJson()) {
            return;
        }
        if ("json_schema".equals(f.type()) && f.schemaJson() != null) {
            g.writeFieldName("format");
            g.writeRawValue(f.schemaJson());
        } else {
            g.writeStringField("format", "json");
        }
    }

    private static void writeOptions(JsonGenerator g, ChatRequest r, Integer numCtx) throws IOException {
        boolean any = r.temperature() != null || r.topP() != null || r.seed() != null || !r.stop().isEmpty()
                || r.maxTokens() != null || numCtx != null;
        if (!any) {
            return;
        }
        g.writeObjectFieldStart("options");
        if (r.temperature() != null) {
            g.writeNumberField("temperature", r.temperature());
        }
        if (r.topP() != null) {
            g.writeNumberField("top_p", r.topP());
        }
        if (r.seed() != null) {
            g.writeNumberField("seed", r.seed());
        }
        if (!r.stop().isEmpty()) {
            g.writeArrayFieldStart("stop");
            for (String s : r.stop()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        if (r.maxTokens() != null) {
            g.writeNumberField("num_predict", r.maxTokens());
        }
        if (numCtx != null) {
            g.writeNumberField("num_ctx", numCtx);
        }
        g.writeEndObject();
    }
}
