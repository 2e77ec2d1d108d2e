package ai.aideon.providers.openai.wire;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.providers.http.Json;
import ai.aideon.providers.support.FinishReasons;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** One OpenAI stream chunk ({@code chat.completion.chunk}, or a legacy {@code text_completion} chunk) → canonical. */
public final class ChunkReader {
    private ChunkReader() {
    }

    /** The canonical chunk; it may have neither choices nor usage (callers skip those). */
    public static ChatChunk read(JsonNode root, boolean legacy) {
        JsonNode choicesNode = root.path("choices");
        List<ChoiceDelta> deltas = choicesNode.isEmpty() ? List.of() : new ArrayList<>(choicesNode.size());
        int position = 0;
        for (JsonNode c : choicesNode) {
            int index = c.path("index").asInt(position++);
            String finish = FinishReasons.normalize(Json.text(c, "finish_reason"));
            if (legacy) {
                deltas.add(new ChoiceDelta(index, null, Json.text(c, "text"), null, finish));
                continue;
            }
            JsonNode delta = c.path("delta");
            deltas.add(new ChoiceDelta(index, Json.text(delta, "role"), Json.text(delta, "content"),
                    toolCalls(delta.get("tool_calls")), finish));
        }
        return new ChatChunk(deltas, ChatCompletionReader.usage(root.get("usage")));
    }

    private static List<ToolCallDelta> toolCalls(JsonNode calls) {
        if (calls == null || !calls.isArray() || calls.isEmpty()) {
            return null;
        }
        List<ToolCallDelta> out = new ArrayList<>(calls.size());
        int position = 0;
        for (JsonNode call : calls) {
            JsonNode fn = call.path("function");
            JsonNode args = fn.get("arguments");
            String fragment = args == null || args.isNull() ? null : args.isTextual() ? args.asText() : args.toString();
            out.add(new ToolCallDelta(call.path("index").asInt(position++), Json.text(call, "id"),
                    Json.text(fn, "name"), fragment));
        }
        return out;
    }
}
