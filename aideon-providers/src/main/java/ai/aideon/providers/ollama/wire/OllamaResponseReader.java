package ai.aideon.providers.ollama.wire;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.Usage;
import ai.aideon.providers.http.Json;
import ai.aideon.providers.support.FinishReasons;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Ollama native answers ({@code /api/chat} message or {@code /api/generate} response) → canonical pieces. */
public final class OllamaResponseReader {
    private OllamaResponseReader() {
    }

    /** A {@code stream:false} answer. Usage is null when Ollama left the counts out. */
    public static ChatResponse response(JsonNode root, boolean generate, String id, String fallbackModel,
                                        long nowSeconds) {
        List<ToolCall> calls = generate ? List.of() : toolCalls(root.path("message"), 0);
        ChatMessage message = ChatMessage.assistant(text(root, generate), calls);
        String model = Json.text(root, "model");
        ChatChoice choice = new ChatChoice(0, message, finishReason(root, !calls.isEmpty()));
        return new ChatResponse(id, createdSeconds(root, nowSeconds), model == null ? fallbackModel : model,
                List.of(choice), usage(root), null);
    }

    /** The text a line or answer carries: {@code message.content} for chat, {@code response} for generate. */
    public static String text(JsonNode node, boolean generate) {
        return generate ? Json.text(node, "response") : Json.text(node.path("message"), "content");
    }

    /**
     * Tool calls of a message. Ollama sends arguments as an object and no ids; we encode the arguments as a JSON
     * string and mint ids {@code call_<n>}, numbering from {@code firstIndex} across the whole answer.
     */
    public static List<ToolCall> toolCalls(JsonNode message, int firstIndex) {
        JsonNode calls = message.get("tool_calls");
        if (calls == null || !calls.isArray() || calls.isEmpty()) {
            return List.of();
        }
        List<ToolCall> out = new ArrayList<>(calls.size());
        int n = firstIndex;
        for (JsonNode call : calls) {
            JsonNode fn = call.path("function");
            JsonNode args = fn.get("arguments");
            String json = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
            String id = Json.text(call, "id");
            out.add(new ToolCall(id != null ? id : "call_" + n, Json.text(fn, "name"), json));
            n++;
        }
        return out;
    }

    /** Usage from the {@code done:true} object; null when its counts are missing. */
    public static Usage usage(JsonNode done) {
        JsonNode prompt = done.get("prompt_eval_count");
        JsonNode completion = done.get("eval_count");
        if (prompt == null && completion == null) {
            return null;
        }
        return new Usage(prompt == null ? 0 : Math.max(0, prompt.asLong()),
                completion == null ? 0 : Math.max(0, completion.asLong()));
    }

    public static String finishReason(JsonNode done, boolean sawToolCalls) {
        if (sawToolCalls) {
            return "tool_calls";
        }
        String reason = FinishReasons.normalize(Json.text(done, "done_reason"));
        return reason == null ? "stop" : reason;
    }

    private static long createdSeconds(JsonNode root, long nowSeconds) {
        String at = Json.text(root, "created_at");
        if (at == null) {
            return nowSeconds;
        }
        try {
            return Instant.parse(at).getEpochSecond();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(at).toEpochSecond();
            } catch (DateTimeParseException e2) {
                return nowSeconds;
            }
        }
    }
}
