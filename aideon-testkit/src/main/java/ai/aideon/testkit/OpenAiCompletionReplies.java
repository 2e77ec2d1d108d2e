package ai.aideon.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Legacy {@code /v1/completions} answers: {@code text_completion} objects, streamed as chunks of the same shape
 * plus {@code [DONE]}. Together's stream chunks are {@code completion.chunk} objects that also carry a
 * {@code token} object and, on the last chunk, the usage (PROVIDERS.md 1.2, 2.1).
 */
final class OpenAiCompletionReplies {

    private OpenAiCompletionReplies() {}

    static Reply build(Dialect d, ChatInput in, ReplyPlanner.Plan plan, int prompt, Ids ids) {
        String id = (d == Dialect.TOGETHER ? "" : "cmpl-") + ids.next();
        long created = System.currentTimeMillis() / 1000;
        ObjectNode usage = OpenAiRoutes.basicUsage(prompt, plan.completionTokens());
        if (!in.stream()) {
            ObjectNode root = head(id, "text_completion", created, in.model());
            var choices = root.putArray("choices");
            for (int i = 0; i < plan.choices().size(); i++) {
                ReplyPlanner.Choice c = plan.choices().get(i);
                choices.add(choice(i, c.text(), OpenAiRoutes.finishReason(d, c.finish())));
            }
            root.set("usage", usage);
            return Reply.json(200, Json.bytes(root));
        }

        String object = d == Dialect.TOGETHER ? "completion.chunk" : "text_completion";
        List<byte[]> frames = new ArrayList<>();
        int longest = plan.choices().stream().mapToInt(c -> c.pieces().size()).max().orElse(0);
        long tokenId = 1000;
        for (int pos = 0; pos < longest; pos++) {
            for (int i = 0; i < plan.choices().size(); i++) {
                List<String> pieces = plan.choices().get(i).pieces();
                if (pos >= pieces.size()) continue;
                ObjectNode chunk = head(id, object, created, in.model());
                chunk.putArray("choices").add(choice(i, pieces.get(pos), null));
                if (d == Dialect.TOGETHER) {
                    ObjectNode token = chunk.putObject("token");
                    token.put("id", tokenId++);
                    token.put("text", pieces.get(pos));
                    token.put("logprob", 0.0);
                    token.put("special", false);
                    chunk.putNull("usage");
                } else if (in.includeUsage()) {
                    chunk.putNull("usage");
                }
                frames.add(Json.sse(chunk));
            }
        }
        for (int i = 0; i < plan.choices().size(); i++) {
            ObjectNode last = head(id, object, created, in.model());
            last.putArray("choices").add(choice(i, "", OpenAiRoutes.finishReason(d, plan.choices().get(i).finish())));
            if (d == Dialect.TOGETHER) last.set("usage", i == plan.choices().size() - 1 ? usage : null);
            else if (in.includeUsage()) last.putNull("usage");
            frames.add(Json.sse(last));
        }
        if (in.includeUsage()) {
            ObjectNode u = head(id, object, created, in.model());
            u.putArray("choices");
            u.set("usage", usage);
            frames.add(Json.sse(u));
        }
        return new Reply.Stream("text/event-stream", List.of(), frames, OpenAiChatReplies.DONE,
                ProviderErrors.streamErrorFrame(d));
    }

    private static ObjectNode head(String id, String object, long created, String model) {
        ObjectNode root = Json.object();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    private static ObjectNode choice(int index, String text, String finishReason) {
        ObjectNode c = Json.object();
        c.put("index", index);
        c.put("text", text);
        c.putNull("logprobs");
        c.put("finish_reason", finishReason);
        return c;
    }
}
