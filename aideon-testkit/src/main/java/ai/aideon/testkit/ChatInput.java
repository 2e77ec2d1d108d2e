package ai.aideon.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a chat (or text-completion) request that shape the fake's answer, read from either the
 * OpenAI-style body or Ollama's native body. Fields the fake does not act on (temperature, seed...) are ignored,
 * as a real model would merely be influenced by them.
 *
 * @param maxTokens completion token limit, null = unlimited
 * @param numCtx    Ollama {@code options.num_ctx} (effective context window), null if not given
 */
record ChatInput(String model, List<Message> messages, boolean stream, boolean includeUsage, Integer maxTokens,
                 List<String> stop, int n, List<ToolSpec> tools, ToolChoice toolChoice, OutputFormat format,
                 Integer numCtx) {

    record Message(String role, String text) {}

    /** A function tool; {@code parameters} is its JSON schema (may be null). */
    record ToolSpec(String name, JsonNode parameters) {}

    enum ToolMode { AUTO, NONE, REQUIRED, FORCED }

    record ToolChoice(ToolMode mode, String function) {
        static final ToolChoice AUTO = new ToolChoice(ToolMode.AUTO, null);
    }

    /** {@code json} = answer must be JSON; {@code schema} (optional) = JSON schema it should follow. */
    record OutputFormat(boolean json, JsonNode schema) {
        static final OutputFormat TEXT = new OutputFormat(false, null);
    }

    /** Text the reply echoes: the last user or tool message, so tool-result turns get a fresh text answer. */
    String echoSource() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message m = messages.get(i);
            if (m.role().equals("user") || m.role().equals("tool")) return m.text();
        }
        return "";
    }

    boolean lastMessageIsToolResult() {
        return !messages.isEmpty() && messages.get(messages.size() - 1).role().equals("tool");
    }

    /** Rough prompt size: whitespace-separated words over all message texts (see {@link Words}). */
    int promptTokens() {
        int total = 0;
        for (Message m : messages) total += Words.count(m.text());
        return total;
    }

    // ---- OpenAI-style bodies (OpenAI, Together, Ollama /v1) ----

    static ChatInput fromOpenAiChat(ObjectNode body, Dialect dialect) throws BadRequestException {
        String model = requireModel(body);
        JsonNode msgs = body.get("messages");
        if (msgs == null || msgs.isNull()) throw BadRequestException.missing("messages");
        if (!msgs.isArray()) throw new BadRequestException("Invalid type for 'messages': expected an array.",
                "messages", "invalid_type");
        if (msgs.isEmpty()) throw new BadRequestException("Invalid 'messages': empty array. Expected an array with "
                + "minimum length 1, but got an empty array instead.", "messages", "empty_array");
        List<Message> messages = new ArrayList<>(msgs.size());
        for (JsonNode m : msgs) {
            messages.add(new Message(m.path("role").asText("user"), contentText(m.get("content"))));
        }

        Integer maxTokens = openAiMaxTokens(body);
        int n = 1;
        if (dialect == Dialect.OPENAI && body.hasNonNull("n")) {
            n = body.get("n").asInt();
            if (n < 1 || n > 128) throw new BadRequestException("Invalid 'n': expected a value between 1 and 128.",
                    "n", "invalid_value");
        }

        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode t : body.path("tools")) {
            JsonNode fn = t.path("function");
            if (fn.hasNonNull("name")) tools.add(new ToolSpec(fn.get("name").asText(), fn.get("parameters")));
        }
        // Ollama's compatibility layer documents tool_choice as unsupported: it is ignored there.
        ToolChoice choice = dialect == Dialect.OLLAMA_OPENAI ? ToolChoice.AUTO : toolChoice(body.get("tool_choice"));

        OutputFormat format = OutputFormat.TEXT;
        JsonNode rf = body.get("response_format");
        if (rf != null && rf.isObject()) {
            String type = rf.path("type").asText("text");
            if (type.equals("json_object")) format = new OutputFormat(true, null);
            else if (type.equals("json_schema")) format = new OutputFormat(true, rf.path("json_schema").get("schema"));
        }

        return new ChatInput(model, messages, body.path("stream").asBoolean(false), includeUsage(body, dialect),
                maxTokens, stopList(body.get("stop")), n, tools, choice, format, null);
    }

    /** Legacy {@code /v1/completions}: the prompt becomes a single user message. */
    static ChatInput fromOpenAiCompletion(ObjectNode body, Dialect dialect) throws BadRequestException {
        String model = requireModel(body);
        JsonNode p = body.get("prompt");
        if (p == null || p.isNull()) throw BadRequestException.missing("prompt");
        String prompt;
        if (p.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : p) sb.append(part.isTextual() ? part.asText() : "").append(' ');
            prompt = sb.toString().trim();
        } else {
            prompt = p.asText();
        }
        Integer maxTokens = openAiMaxTokens(body);
        // OpenAI's legacy endpoint defaults max_tokens to 16; the others generate until a natural stop.
        if (maxTokens == null && dialect == Dialect.OPENAI) maxTokens = 16;
        int n = dialect == Dialect.OPENAI && body.hasNonNull("n") ? Math.max(1, body.get("n").asInt()) : 1;
        return new ChatInput(model, List.of(new Message("user", prompt)), body.path("stream").asBoolean(false),
                includeUsage(body, dialect), maxTokens, stopList(body.get("stop")), n, List.of(), ToolChoice.AUTO,
                OutputFormat.TEXT, null);
    }

    private static String requireModel(ObjectNode body) throws BadRequestException {
        String model = Json.textOrNull(body, "model");
        if (model == null || model.isBlank()) {
            throw new BadRequestException("you must provide a model parameter", null, null);
        }
        return model;
    }

    private static Integer openAiMaxTokens(ObjectNode body) throws BadRequestException {
        // max_completion_tokens supersedes the deprecated max_tokens when both are sent.
        String field = body.hasNonNull("max_completion_tokens") ? "max_completion_tokens"
                : body.hasNonNull("max_tokens") ? "max_tokens" : null;
        if (field == null) return null;
        int value = body.get(field).asInt();
        if (value < 1) {
            throw new BadRequestException("Invalid '" + field + "': integer below minimum value. Expected a value >= 1,"
                    + " but got " + value + " instead.", field, "integer_below_min_value");
        }
        return value;
    }

    private static boolean includeUsage(ObjectNode body, Dialect dialect) {
        // Together has no stream_options: usage always rides on its final chunk instead.
        return dialect != Dialect.TOGETHER && body.path("stream_options").path("include_usage").asBoolean(false);
    }

    private static ToolChoice toolChoice(JsonNode node) {
        if (node == null || node.isNull()) return ToolChoice.AUTO;
        if (node.isTextual()) {
            return switch (node.asText()) {
                case "none" -> new ToolChoice(ToolMode.NONE, null);
                case "required" -> new ToolChoice(ToolMode.REQUIRED, null);
                default -> ToolChoice.AUTO;
            };
        }
        String name = node.path("function").path("name").asText(null);
        return name == null ? ToolChoice.AUTO : new ToolChoice(ToolMode.FORCED, name);
    }

    // ---- Ollama native bodies ----

    static ChatInput fromOllamaChat(ObjectNode body) throws BadRequestException {
        String model = requireOllamaModel(body);
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : body.path("messages")) {
            messages.add(new Message(m.path("role").asText("user"), m.path("content").asText("")));
        }
        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode t : body.path("tools")) {
            JsonNode fn = t.path("function");
            if (fn.hasNonNull("name")) tools.add(new ToolSpec(fn.get("name").asText(), fn.get("parameters")));
        }
        return ollama(body, model, messages, tools);
    }

    /** {@code /api/generate}: optional system text plus the prompt. */
    static ChatInput fromOllamaGenerate(ObjectNode body) throws BadRequestException {
        String model = requireOllamaModel(body);
        List<Message> messages = new ArrayList<>(2);
        String system = Json.textOrNull(body, "system");
        if (system != null) messages.add(new Message("system", system));
        messages.add(new Message("user", body.path("prompt").asText("")));
        return ollama(body, model, messages, List.of());
    }

    private static ChatInput ollama(ObjectNode body, String model, List<Message> messages, List<ToolSpec> tools) {
        JsonNode options = body.path("options");
        Integer maxTokens = null;
        if (options.hasNonNull("num_predict")) {
            int v = options.get("num_predict").asInt();
            if (v >= 0) maxTokens = v; // -1 (infinite) and -2 (fill context) mean no explicit limit
        }
        Integer numCtx = options.hasNonNull("num_ctx") ? options.get("num_ctx").asInt() : null;
        OutputFormat format = OutputFormat.TEXT;
        JsonNode f = body.get("format");
        if (f != null && f.isTextual() && f.asText().equals("json")) format = new OutputFormat(true, null);
        else if (f != null && f.isObject()) format = new OutputFormat(true, f);
        boolean stream = body.path("stream").asBoolean(true); // Ollama streams unless told not to
        return new ChatInput(model, messages, stream, false, maxTokens, stopList(options.get("stop")), 1, tools,
                ToolChoice.AUTO, format, numCtx);
    }

    private static String requireOllamaModel(ObjectNode body) throws BadRequestException {
        String model = Json.textOrNull(body, "model");
        if (model == null || model.isBlank()) throw new BadRequestException("model is required", "model", null);
        return model;
    }

    // ---- shared ----

    /** Message content as plain text: a string, or the concatenated text parts of a content array. */
    static String contentText(JsonNode content) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (part.path("type").asText().equals("text")) {
                    if (!sb.isEmpty()) sb.append(' ');
                    sb.append(part.path("text").asText());
                }
            }
            return sb.toString();
        }
        return content.asText();
    }

    private static List<String> stopList(JsonNode stop) {
        if (stop == null || stop.isNull()) return List.of();
        if (stop.isTextual()) return stop.asText().isEmpty() ? List.of() : List.of(stop.asText());
        List<String> out = new ArrayList<>();
        for (JsonNode s : stop) if (s.isTextual() && !s.asText().isEmpty()) out.add(s.asText());
        return out;
    }
}
