package ai.aideon.providers.openai.wire;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ContentPart;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.Usage;
import ai.aideon.providers.http.Json;
import ai.aideon.providers.support.FinishReasons;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** OpenAI wire response (chat or legacy completion) → canonical {@link ChatResponse}. */
public final class ChatCompletionReader {
    private ChatCompletionReader() {
    }

    /**
     * @param legacy true for {@code /completions} answers, whose choices carry {@code text} instead of a message
     * @return the response; its usage is null when the upstream reported none
     */
    public static ChatResponse read(JsonNode root, boolean legacy) {
        JsonNode choicesNode = root.path("choices");
        List<ChatChoice> choices = new ArrayList<>(Math.max(1, choicesNode.size()));
        int position = 0;
        for (JsonNode c : choicesNode) {
            int index = c.path("index").asInt(position++);
            ChatMessage message = legacy ? ChatMessage.assistant(Json.text(c, "text"), null) : message(c.path("message"));
            choices.add(new ChatChoice(index, message, FinishReasons.normalize(Json.text(c, "finish_reason"))));
        }
        return new ChatResponse(Json.text(root, "id"), root.path("created").asLong(0), Json.text(root, "model"),
                choices, usage(root.get("usage")), Json.text(root, "system_fingerprint"));
    }

    /** {@code usage} → canonical, or null when absent/null. */
    public static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        JsonNode prompt = usage.get("prompt_tokens");
        JsonNode completion = usage.get("completion_tokens");
        if ((prompt == null || prompt.isNull()) && (completion == null || completion.isNull())) {
            return null;
        }
        return new Usage(Math.max(0, prompt == null ? 0 : prompt.asLong()),
                Math.max(0, completion == null ? 0 : completion.asLong()));
    }

    private static ChatMessage message(JsonNode m) {
        String content = Json.text(m, "content");
        List<ToolCall> toolCalls = List.of();
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray() && !calls.isEmpty()) {
            toolCalls = new ArrayList<>(calls.size());
            for (JsonNode call : calls) {
                JsonNode fn = call.path("function");
                toolCalls.add(new ToolCall(Json.text(call, "id"), Json.text(fn, "name"), arguments(fn.get("arguments"))));
            }
        }
        String role = Json.text(m, "role");
        return new ChatMessage(role == null ? "assistant" : role,
                content == null ? null : List.of(new ContentPart.Text(content)), null, toolCalls, null,
                Json.text(m, "refusal"));
    }

    /** Arguments are a JSON-encoded string per the spec; some servers send the object itself. */
    static String arguments(JsonNode args) {
        if (args == null || args.isNull()) {
            return "{}";
        }
        return args.isTextual() ? args.asText() : args.toString();
    }
}
