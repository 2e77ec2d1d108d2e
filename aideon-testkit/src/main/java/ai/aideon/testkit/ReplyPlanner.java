package ai.aideon.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides what the fake model "says": deterministic text, a tool call, or JSON, and how it ends.
 *
 * <p>The text is {@code "Echo: <up to 8 words of the last user/tool message>. This reply comes from a fake
 * upstream."} so tests can assert on it. Prose is streamed one word per chunk (one token per word, see
 * {@link Words}); JSON content and tool arguments are streamed in 8-character fragments, each counted as one token.
 * Stop sequences cut the text before the first match; a token limit truncates and ends with {@link Finish#LENGTH}.
 */
final class ReplyPlanner {

    static final String FILLER = "This reply comes from a fake upstream.";
    static final int ECHO_WORDS = 8;
    static final int FRAGMENT_CHARS = 8;

    /** Why generation ended, before each dialect names it ({@code stop}, {@code eos}, {@code length}...). */
    enum Finish { NATURAL, STOP_SEQUENCE, LENGTH, TOOL_CALLS }

    /** A call to one function; {@code argumentsJson} is the compact JSON text of {@code arguments}. */
    record ToolCall(String id, String name, ObjectNode arguments, String argumentsJson, List<String> fragments) {}

    /** One generated choice. {@code pieces} concatenate to {@code text}; one piece = one streamed token. */
    record Choice(String text, List<String> pieces, Finish finish, ToolCall toolCall) {
        int tokens() {
            return toolCall != null ? 1 + toolCall.fragments().size() : pieces.size();
        }
    }

    record Plan(List<Choice> choices, int completionTokens) {}

    private ReplyPlanner() {}

    /** @param limit completion token limit (max_tokens or what is left of the context), null = none */
    static Plan plan(ChatInput in, Integer limit, Ids ids) {
        List<Choice> choices = new ArrayList<>(in.n());
        int total = 0;
        for (int i = 0; i < in.n(); i++) {
            Choice c = choose(in, limit, ids);
            choices.add(c);
            total += c.tokens();
        }
        return new Plan(choices, total);
    }

    /** The untruncated reply text for a message. */
    static String replyText(String source) {
        List<String> words = Words.split(source);
        String echoed = words.isEmpty() ? "(empty)" : String.join(" ", words.subList(0, Math.min(ECHO_WORDS, words.size())));
        char last = echoed.charAt(echoed.length() - 1);
        String sep = last == '.' || last == '!' || last == '?' ? " " : ". ";
        return "Echo: " + echoed + sep + FILLER;
    }

    private static Choice choose(ChatInput in, Integer limit, Ids ids) {
        ChatInput.ToolSpec tool = toolToCall(in);
        if (tool != null) {
            ObjectNode args = SchemaSamples.objectFor(tool.parameters());
            String json = Json.text(args);
            ToolCall call = new ToolCall("call_" + ids.next(), tool.name(), args, json, fragments(json));
            return new Choice("", List.of(), Finish.TOOL_CALLS, call);
        }

        boolean json = in.format().json();
        String text = json ? jsonText(in) : replyText(in.echoSource());
        Finish finish = Finish.NATURAL;

        int cut = firstStop(text, in.stop());
        if (cut >= 0) {
            text = text.substring(0, cut);
            if (!json) text = text.stripTrailing();
            finish = Finish.STOP_SEQUENCE;
        }
        List<String> pieces = json ? fragments(text) : wordPieces(text);
        if (limit != null && pieces.size() > limit) {
            pieces = pieces.subList(0, limit);
            text = String.join("", pieces);
            finish = Finish.LENGTH;
        }
        return new Choice(text, List.copyOf(pieces), finish, null);
    }

    /** The tool the model "decides" to call, or null for a text answer. */
    private static ChatInput.ToolSpec toolToCall(ChatInput in) {
        if (in.tools().isEmpty()) return null;
        ChatInput.ToolChoice choice = in.toolChoice();
        return switch (choice.mode()) {
            case NONE -> null;
            case REQUIRED -> in.tools().get(0);
            case FORCED -> in.tools().stream().filter(t -> t.name().equals(choice.function())).findFirst()
                    .orElse(new ChatInput.ToolSpec(choice.function(), null));
            // After a tool result, answer in text: otherwise agent loops in client libraries would never end.
            case AUTO -> in.lastMessageIsToolResult() ? null : in.tools().get(0);
        };
    }

    private static String jsonText(ChatInput in) {
        if (in.format().schema() != null) return Json.text(SchemaSamples.objectFor(in.format().schema()));
        ObjectNode o = Json.object();
        o.put("reply", replyText(in.echoSource()));
        return Json.text(o);
    }

    private static int firstStop(String text, List<String> stops) {
        int best = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (best < 0 || at < best)) best = at;
        }
        return best;
    }

    /** Words with their leading space, so concatenating the pieces gives back the text. */
    private static List<String> wordPieces(String text) {
        List<String> words = Words.split(text);
        List<String> pieces = new ArrayList<>(words.size());
        for (int i = 0; i < words.size(); i++) pieces.add(i == 0 ? words.get(i) : " " + words.get(i));
        return pieces;
    }

    static List<String> fragments(String text) {
        List<String> out = new ArrayList<>(text.length() / FRAGMENT_CHARS + 1);
        int i = 0;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + FRAGMENT_CHARS);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) end++; // keep pairs whole
            out.add(text.substring(i, end));
            i = end;
        }
        return out;
    }
}
