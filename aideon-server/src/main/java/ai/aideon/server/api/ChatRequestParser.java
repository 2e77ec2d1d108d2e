package ai.aideon.server.api;

import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ContentPart;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolChoice;
import ai.aideon.core.api.ToolSpec;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI wire → canonical {@link ChatRequest}, once, at the edge. Every client mistake becomes a 400 that names
 * the offending field (as OpenAI does, with {@code param}); nothing here can produce a 500.
 */
public final class ChatRequestParser {
    private static final Set<String> ROLES = Set.of("developer", "system", "user", "assistant", "tool");

    private ChatRequestParser() {
    }

    public static ObjectNode parseObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.invalid(null, "The request body is empty; send a JSON object.");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.invalid(null, "We could not parse the JSON body of your request: "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ").");
        } catch (IOException e) {
            throw ApiException.invalid(null, "We could not read the request body.");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.invalid(null, "The request body must be a JSON object.");
        }
        return (ObjectNode) root;
    }

    /** {@code POST /v1/chat/completions}. */
    public static ChatRequest chat(byte[] body) {
        ObjectNode root = parseObject(body);
        String model = model(root);
        JsonNode msgs = root.get("messages");
        if (msgs == null || msgs.isNull()) {
            throw ApiException.invalid("messages", "Missing required parameter: 'messages'.");
        }
        if (!msgs.isArray() || msgs.isEmpty()) {
            throw ApiException.invalid("messages", "'messages' must be a non-empty array of message objects.");
        }
        List<ChatMessage> messages = new ArrayList<>(msgs.size());
        for (int i = 0; i < msgs.size(); i++) {
            messages.add(message(msgs.get(i), "messages[" + i + "]"));
        }
        return common(root, model, messages, false, null);
    }

    /**
     * {@code POST /v1/completions}: the prompt becomes one user message, flagged as legacy so adapters can call the
     * upstream's completions endpoint where it has one. max_tokens defaults to 16 there, as in OpenAI's spec.
     */
    public static ChatRequest completion(byte[] body) {
        ObjectNode root = parseObject(body);
        String model = model(root);
        JsonNode prompt = root.get("prompt");
        String text;
        if (prompt == null || prompt.isNull()) {
            throw ApiException.invalid("prompt", "Missing required parameter: 'prompt'.");
        } else if (prompt.isTextual()) {
            text = prompt.asText();
        } else if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            text = prompt.get(0).asText();
        } else if (prompt.isArray() && prompt.size() > 1 && prompt.get(0).isTextual()) {
            throw ApiException.invalid("prompt", "Batched prompts are not supported; send one prompt per request.");
        } else {
            throw ApiException.invalid("prompt", "'prompt' must be a string (token-id prompts are not supported).");
        }
        for (String unsupported : List.of("suffix", "echo", "best_of", "logprobs")) {
            JsonNode v = root.get(unsupported);
            if (v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean()) && !(v.isNumber() && unsupported.equals("best_of") && v.asInt() == 1)) {
                throw ApiException.invalid(unsupported, "'" + unsupported + "' is not supported by this gateway.");
            }
        }
        return common(root, model, List.of(ChatMessage.of("user", text)), true, 16);
    }

    private static String model(ObjectNode root) {
        JsonNode m = root.get("model");
        if (m == null || m.isNull()) {
            throw ApiException.invalid("model", "Missing required parameter: 'model'. Use a route such as "
                    + "'aideon/text' or a model id from GET /v1/models.");
        }
        if (!m.isTextual() || m.asText().isBlank()) {
            throw ApiException.invalid("model", "'model' must be a non-empty string.");
        }
        return m.asText();
    }

    private static ChatRequest common(ObjectNode root, String model, List<ChatMessage> messages, boolean legacy,
                                      Integer defaultMaxTokens) {
        boolean stream = bool(root, "stream", false);
        boolean includeUsage = false;
        JsonNode so = root.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!stream) {
                throw ApiException.invalid("stream_options",
                        "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
            }
            if (!so.isObject()) {
                throw ApiException.invalid("stream_options", "'stream_options' must be an object.");
            }
            includeUsage = bool((ObjectNode) so, "include_usage", false);
        }
        Integer maxTokens = positiveInt(root, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = positiveInt(root, "max_tokens");
        }
        if (maxTokens == null) {
            maxTokens = defaultMaxTokens;
        }
        Double temperature = number(root, "temperature", 0, 2);
        Double topP = number(root, "top_p", 0, 1);
        number(root, "frequency_penalty", -2, 2);
        number(root, "presence_penalty", -2, 2);
        Long seed = null;
        JsonNode s = root.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.canConvertToLong() || !s.isIntegralNumber()) {
                throw ApiException.invalid("seed", "'seed' must be an integer.");
            }
            seed = s.asLong();
        }
        int n = 1;
        JsonNode nn = root.get("n");
        if (nn != null && !nn.isNull()) {
            if (!nn.isIntegralNumber() || nn.asInt() < 1 || nn.asInt() > 128) {
                throw ApiException.invalid("n", "'n' must be an integer between 1 and 128.");
            }
            n = nn.asInt();
        }
        List<String> stop = stop(root.get("stop"));
        List<ToolSpec> tools = legacy ? List.of() : tools(root.get("tools"));
        ToolChoice toolChoice = legacy ? null : toolChoice(root.get("tool_choice"), tools);
        Boolean parallel = root.has("parallel_tool_calls") && !root.get("parallel_tool_calls").isNull()
                ? bool(root, "parallel_tool_calls", true) : null;
        ResponseFormat format = legacy ? null : responseFormat(root.get("response_format"));
        String user = text(root, "user");
        Map<String, String> metadata = metadata(root.get("metadata"));
        return new ChatRequest(model, messages, stream, includeUsage, maxTokens, temperature, topP, stop, seed, n,
                tools, toolChoice, parallel, format, user, metadata, legacy);
    }

    private static ChatMessage message(JsonNode m, String path) {
        if (m == null || !m.isObject()) {
            throw ApiException.invalid(path, "Each message must be an object with 'role' and 'content'.");
        }
        JsonNode r = m.get("role");
        if (r == null || !r.isTextual()) {
            throw ApiException.invalid(path + ".role", "Missing required parameter: '" + path + ".role'.");
        }
        String role = r.asText();
        if (!ROLES.contains(role)) {
            throw ApiException.invalid(path + ".role", "Invalid value: '" + role + "'. Supported values are: "
                    + "'developer', 'system', 'user', 'assistant' and 'tool'.");
        }
        List<ContentPart> content = content(m.get("content"), path + ".content");
        List<ToolCall> toolCalls = List.of();
        if ("assistant".equals(role)) {
            toolCalls = toolCalls(m.get("tool_calls"), path + ".tool_calls");
            if (content == null && toolCalls.isEmpty() && (m.get("refusal") == null || m.get("refusal").isNull())) {
                throw ApiException.invalid(path + ".content",
                        "An assistant message needs 'content' or 'tool_calls'.");
            }
        } else if (content == null) {
            throw ApiException.invalid(path + ".content", "Missing required parameter: '" + path + ".content'.");
        }
        String toolCallId = null;
        if ("tool".equals(role)) {
            toolCallId = text(m, "tool_call_id");
            if (toolCallId == null) {
                throw ApiException.invalid(path + ".tool_call_id",
                        "Missing required parameter: '" + path + ".tool_call_id'.");
            }
        }
        return new ChatMessage(role, content, text(m, "name"), toolCalls, toolCallId, text(m, "refusal"));
    }

    private static List<ContentPart> content(JsonNode c, String path) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (c.isTextual()) {
            return List.of(new ContentPart.Text(c.asText()));
        }
        if (!c.isArray()) {
            throw ApiException.invalid(path, "'" + path + "' must be a string or an array of content parts.");
        }
        List<ContentPart> parts = new ArrayList<>(c.size());
        for (int i = 0; i < c.size(); i++) {
            JsonNode p = c.get(i);
            String pp = path + "[" + i + "]";
            String type = p.isObject() ? text(p, "type") : null;
            if (type == null) {
                throw ApiException.invalid(pp + ".type", "Each content part needs a 'type'.");
            }
            switch (type) {
                case "text" -> {
                    String t = text(p, "text");
                    if (t == null) {
                        throw ApiException.invalid(pp + ".text", "Missing required parameter: '" + pp + ".text'.");
                    }
                    parts.add(new ContentPart.Text(t));
                }
                case "image_url" -> {
                    JsonNode iu = p.get("image_url");
                    String url = iu == null ? null : iu.isTextual() ? iu.asText() : text(iu, "url");
                    if (url == null || url.isBlank()) {
                        throw ApiException.invalid(pp + ".image_url.url",
                                "Missing required parameter: '" + pp + ".image_url.url'.");
                    }
                    if (!(url.startsWith("https://") || url.startsWith("http://") || url.startsWith("data:image/"))) {
                        throw ApiException.invalid(pp + ".image_url.url",
                                "Image URLs must be http(s) URLs or data:image/… URIs.");
                    }
                    parts.add(new ContentPart.Image(url, iu.isObject() ? text(iu, "detail") : null));
                }
                case "input_audio" -> {
                    JsonNode ia = p.get("input_audio");
                    String data = ia == null ? null : text(ia, "data");
                    if (data == null) {
                        throw ApiException.invalid(pp + ".input_audio.data",
                                "Missing required parameter: '" + pp + ".input_audio.data'.");
                    }
                    parts.add(new ContentPart.Audio(data, text(ia, "format")));
                }
                default -> throw ApiException.invalid(pp + ".type", "Unsupported content part type '" + type
                        + "'. Supported: text, image_url, input_audio.");
            }
        }
        return parts;
    }

    private static List<ToolCall> toolCalls(JsonNode tc, String path) {
        if (tc == null || tc.isNull()) {
            return List.of();
        }
        if (!tc.isArray()) {
            throw ApiException.invalid(path, "'" + path + "' must be an array.");
        }
        List<ToolCall> out = new ArrayList<>();
        for (int i = 0; i < tc.size(); i++) {
            JsonNode c = tc.get(i);
            JsonNode f = c == null ? null : c.get("function");
            if (f == null || !f.isObject() || text(f, "name") == null) {
                throw ApiException.invalid(path + "[" + i + "].function.name",
                        "Each tool call needs function.name.");
            }
            JsonNode args = f.get("arguments");
            String arguments = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
            out.add(new ToolCall(text(c, "id"), text(f, "name"), arguments));
        }
        return out;
    }

    private static List<ToolSpec> tools(JsonNode t) {
        if (t == null || t.isNull()) {
            return List.of();
        }
        if (!t.isArray()) {
            throw ApiException.invalid("tools", "'tools' must be an array.");
        }
        List<ToolSpec> out = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            JsonNode tool = t.get(i);
            String type = tool == null ? null : text(tool, "type");
            if (!"function".equals(type)) {
                throw ApiException.invalid("tools[" + i + "].type", "Only tools of type 'function' are supported.");
            }
            JsonNode f = tool.get("function");
            String name = f == null ? null : text(f, "name");
            if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
                throw ApiException.invalid("tools[" + i + "].function.name",
                        "Tool names must be 1–64 characters of a-z, A-Z, 0-9, _ and -.");
            }
            JsonNode params = f.get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw ApiException.invalid("tools[" + i + "].function.parameters",
                        "'parameters' must be a JSON Schema object.");
            }
            JsonNode strict = f.get("strict");
            out.add(new ToolSpec(name, text(f, "description"),
                    params == null || params.isNull() ? null : params.toString(),
                    strict == null || strict.isNull() ? null : strict.asBoolean()));
        }
        return out;
    }

    private static ToolChoice toolChoice(JsonNode c, List<ToolSpec> tools) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (c.isTextual()) {
            String mode = c.asText();
            if (!Set.of("none", "auto", "required").contains(mode)) {
                throw ApiException.invalid("tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or "
                        + "{\"type\":\"function\",\"function\":{\"name\":…}}.");
            }
            if (!"none".equals(mode) && tools.isEmpty()) {
                throw ApiException.invalid("tool_choice", "'tool_choice' is only allowed when 'tools' are given.");
            }
            return ToolChoice.of(mode);
        }
        JsonNode f = c.get("function");
        String name = f == null ? null : text(f, "name");
        if (name == null) {
            throw ApiException.invalid("tool_choice.function.name", "Missing required parameter: "
                    + "'tool_choice.function.name'.");
        }
        if (tools.stream().noneMatch(t -> t.name().equals(name))) {
            throw ApiException.invalid("tool_choice.function.name", "tool_choice names function '" + name
                    + "', which is not among 'tools'.");
        }
        return ToolChoice.function(name);
    }

    private static ResponseFormat responseFormat(JsonNode rf) {
        if (rf == null || rf.isNull()) {
            return null;
        }
        String type = rf.isObject() ? text(rf, "type") : null;
        if (type == null) {
            throw ApiException.invalid("response_format.type", "Missing required parameter: 'response_format.type'.");
        }
        switch (type) {
            case "text" -> {
                return new ResponseFormat("text", null, null, null);
            }
            case "json_object" -> {
                return ResponseFormat.jsonObject();
            }
            case "json_schema" -> {
                JsonNode js = rf.get("json_schema");
                String name = js == null ? null : text(js, "name");
                if (name == null) {
                    throw ApiException.invalid("response_format.json_schema.name",
                            "Missing required parameter: 'response_format.json_schema.name'.");
                }
                JsonNode schema = js.get("schema");
                JsonNode strict = js.get("strict");
                return new ResponseFormat("json_schema", name,
                        schema == null || schema.isNull() ? null : schema.toString(),
                        strict == null || strict.isNull() ? null : strict.asBoolean());
            }
            default -> throw ApiException.invalid("response_format.type", "Invalid value: '" + type
                    + "'. Supported values are: 'text', 'json_object' and 'json_schema'.");
        }
    }

    private static List<String> stop(JsonNode s) {
        if (s == null || s.isNull()) {
            return List.of();
        }
        if (s.isTextual()) {
            return List.of(s.asText());
        }
        if (s.isArray() && s.size() <= 4) {
            List<String> out = new ArrayList<>();
            for (JsonNode x : s) {
                if (!x.isTextual()) {
                    throw ApiException.invalid("stop", "'stop' must be a string or an array of up to 4 strings.");
                }
                out.add(x.asText());
            }
            return out;
        }
        throw ApiException.invalid("stop", "'stop' must be a string or an array of up to 4 strings.");
    }

    private static Map<String, String> metadata(JsonNode m) {
        if (m == null || m.isNull()) {
            return Map.of();
        }
        if (!m.isObject()) {
            throw ApiException.invalid("metadata", "'metadata' must be an object of string values.");
        }
        Map<String, String> out = new LinkedHashMap<>();
        m.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw ApiException.invalid("metadata." + e.getKey(), "metadata values must be strings.");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private static Integer positiveInt(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw ApiException.invalid(field, "'" + field + "' must be a positive integer.");
        }
        return v.asInt();
    }

    private static Double number(JsonNode root, String field, double min, double max) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw ApiException.invalid(field, "'" + field + "' must be a number between " + fmt(min) + " and "
                    + fmt(max) + ".");
        }
        return v.asDouble();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static boolean bool(JsonNode root, String field, boolean fallback) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw ApiException.invalid(field, "'" + field + "' must be true or false.");
        }
        return v.asBoolean();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }
}
