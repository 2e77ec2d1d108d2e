package ai.aideon.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@code chat.completion} bodies and {@code chat.completion.chunk} SSE streams (PROVIDERS.md 1.1, 2.1, 7.2).
 *
 * <p>Stream layout: one role event per choice; then content (or tool-call) deltas, interleaved across choices;
 * one finish event per choice; then, OpenAI/Ollama only and only with {@code stream_options.include_usage}, a
 * {@code choices:[]} usage event; finally {@code data: [DONE]}. Together instead attaches usage to the final
 * finish event and never sends a separate usage event.
 */
final class OpenAiChatReplies {

    static final byte[] DONE = "data: [DONE]\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private OpenAiChatReplies() {}

    /** llama.cpp's performance report next to usage; synthetic but consistent numbers. */
    private static ObjectNode llamaCppTimings(int prompt, int predicted) {
        ObjectNode t = Json.object();
        t.put("cache_n", 0);
        t.put("prompt_n", prompt);
        t.put("prompt_ms", prompt * 0.5);
        t.put("predicted_n", predicted);
        t.put("predicted_ms", predicted * 20.0);
        return t;
    }

    static Reply build(Dialect d, ChatInput in, ReplyPlanner.Plan plan, int promptTokens, Ids ids) {
        String id = (d == Dialect.TOGETHER ? "" : "chatcmpl-") + ids.next();
        long created = System.currentTimeMillis() / 1000;
        return in.stream()
                ? stream(d, in, plan, promptTokens, id, created)
                : Reply.json(200, Json.bytes(full(d, in, plan, promptTokens, id, created)));
    }

    private static ObjectNode full(Dialect d, ChatInput in, ReplyPlanner.Plan plan, int prompt, String id, long created) {
        ObjectNode root = Json.object();
        root.put("id", id);
        root.put("object", "chat.completion");
        root.put("created", created);
        root.put("model", in.model());
        if (d == Dialect.TOGETHER) root.putArray("prompt");
        ArrayNode choices = root.putArray("choices");
        for (int i = 0; i < plan.choices().size(); i++) {
            ReplyPlanner.Choice c = plan.choices().get(i);
            ObjectNode choice = choices.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            if (c.toolCall() != null) {
                message.putNull("content");
                message.putArray("tool_calls").add(toolCall(c.toolCall(), true, -1));
            } else {
                message.put("content", c.text());
                if (d == Dialect.TOGETHER) message.putArray("tool_calls"); // Together sends [] for "no calls"
            }
            if (d == Dialect.OPENAI) {
                message.putNull("refusal");
                message.putArray("annotations");
            }
            choice.putNull("logprobs");
            choice.put("finish_reason", OpenAiRoutes.finishReason(d, c.finish()));
        }
        root.set("usage", OpenAiRoutes.usage(d, prompt, plan.completionTokens()));
        if (d == Dialect.LLAMACPP) root.set("timings", llamaCppTimings(prompt, plan.completionTokens()));
        String fp = OpenAiRoutes.systemFingerprint(d);
        if (fp != null) root.put("system_fingerprint", fp);
        if (d == Dialect.OPENAI) root.put("service_tier", "default");
        return root;
    }

    /** @param index stream index of the call, or -1 in a non-stream message */
    private static ObjectNode toolCall(ReplyPlanner.ToolCall call, boolean withArguments, int index) {
        ObjectNode tc = Json.object();
        if (index >= 0) tc.put("index", index);
        tc.put("id", call.id());
        tc.put("type", "function");
        ObjectNode fn = tc.putObject("function");
        fn.put("name", call.name());
        fn.put("arguments", withArguments ? call.argumentsJson() : ""); // arguments travel as a JSON *string*
        return tc;
    }

    private static Reply stream(Dialect d, ChatInput in, ReplyPlanner.Plan plan, int prompt, String id, long created) {
        ChunkFactory chunks = new ChunkFactory(d, in, id, created);
        List<byte[]> frames = new ArrayList<>();

        List<List<ObjectNode>> deltasPerChoice = new ArrayList<>();
        for (ReplyPlanner.Choice c : plan.choices()) deltasPerChoice.add(deltas(c));
        int longest = deltasPerChoice.stream().mapToInt(List::size).max().orElse(0);
        for (int pos = 0; pos < longest; pos++) {
            for (int i = 0; i < deltasPerChoice.size(); i++) {
                List<ObjectNode> deltas = deltasPerChoice.get(i);
                if (pos < deltas.size()) frames.add(Json.sse(chunks.chunk(i, deltas.get(pos), null)));
            }
        }

        ObjectNode usage = OpenAiRoutes.usage(d, prompt, plan.completionTokens());
        for (int i = 0; i < plan.choices().size(); i++) {
            String finish = OpenAiRoutes.finishReason(d, plan.choices().get(i).finish());
            ObjectNode last = chunks.chunk(i, Json.object(), finish);
            if (d == Dialect.TOGETHER && i == plan.choices().size() - 1) last.set("usage", usage);
            frames.add(Json.sse(last));
        }
        if (in.includeUsage()) frames.add(Json.sse(chunks.usageChunk(usage)));

        return new Reply.Stream("text/event-stream", List.of(), frames, DONE, ProviderErrors.streamErrorFrame(d));
    }

    /** A choice's deltas in order: role first, then one per token or tool-call fragment. */
    private static List<ObjectNode> deltas(ReplyPlanner.Choice c) {
        List<ObjectNode> out = new ArrayList<>(c.pieces().size() + 2);
        ObjectNode role = Json.object();
        role.put("role", "assistant");
        role.put("content", "");
        out.add(role);
        if (c.toolCall() != null) {
            // First tool delta names the call with empty arguments; later ones append argument text.
            ObjectNode first = Json.object();
            first.putArray("tool_calls").add(toolCall(c.toolCall(), false, 0));
            out.add(first);
            for (String fragment : c.toolCall().fragments()) {
                ObjectNode more = Json.object();
                ObjectNode tc = more.putArray("tool_calls").addObject();
                tc.put("index", 0);
                tc.putObject("function").put("arguments", fragment);
                out.add(more);
            }
        } else {
            for (String piece : c.pieces()) {
                ObjectNode delta = Json.object();
                delta.put("content", piece);
                out.add(delta);
            }
        }
        return out;
    }

    /** Shared chunk envelope: id and created are identical on every chunk of one stream. */
    private record ChunkFactory(Dialect d, ChatInput in, String id, long created) {

        ObjectNode chunk(int index, ObjectNode delta, String finishReason) {
            ObjectNode root = head();
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", index);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason);
            // Together always carries a nullable usage key; OpenAI only when usage was asked for.
            if (d == Dialect.TOGETHER || in.includeUsage()) root.putNull("usage");
            return root;
        }

        ObjectNode usageChunk(ObjectNode usage) {
            ObjectNode root = head();
            root.putArray("choices");
            root.set("usage", usage);
            return root;
        }

        private ObjectNode head() {
            ObjectNode root = Json.object();
            root.put("id", id);
            root.put("object", "chat.completion.chunk");
            root.put("created", created);
            root.put("model", in.model());
            String fp = OpenAiRoutes.systemFingerprint(d);
            if (fp != null) root.put("system_fingerprint", fp);
            return root;
        }
    }
}
