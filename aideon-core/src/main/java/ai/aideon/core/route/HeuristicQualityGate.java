package ai.aideon.core.route;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolChoice;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A cheap, deterministic judge of the first choice of an answer: no second model call, just the failure shapes
 * that are common and cheap to see. The score starts at 1 and each problem found subtracts its penalty (floored at
 * 0); an empty answer scores 0 outright. Every penalty alone drops the score below the default threshold 0.8, so
 * any single problem sends the request on to the next candidate.
 *
 * <table>
 * <caption>Penalties</caption>
 * <tr><td>empty</td><td>no choice, or blank text and no tool call</td><td>score 0</td></tr>
 * <tr><td>truncated</td><td>finish_reason {@code length}: the answer stopped mid-way</td><td>0.5</td></tr>
 * <tr><td>filtered</td><td>finish_reason {@code content_filter}: parts were withheld</td><td>0.5</td></tr>
 * <tr><td>refusal</td><td>{@code message.refusal} set, or a refusal phrase opens the answer</td><td>0.6</td></tr>
 * <tr><td>invalid json</td><td>JSON asked for ({@code response_format}) but the content does not parse strictly
 *     (json_object also requires an object)</td><td>0.6</td></tr>
 * <tr><td>missing keys</td><td>json_schema with top-level {@code required} keys absent from the answer</td>
 *     <td>0.3</td></tr>
 * <tr><td>no tool call</td><td>tool_choice {@code required} or a named function, but no (matching) call</td>
 *     <td>0.6</td></tr>
 * <tr><td>bad tool arguments</td><td>a tool call whose arguments are not a JSON object</td><td>0.5</td></tr>
 * <tr><td>too short</td><td>a long question (≥ 400 chars) got a one-liner (&lt; 40 chars) in free-text mode</td>
 *     <td>0.3</td></tr>
 * <tr><td>repetition</td><td>the text loops: most of its word 4-grams (or, for text without spaces, 10-char
 *     pieces) repeat</td><td>0.4</td></tr>
 * </table>
 */
public final class HeuristicQualityGate implements QualityGate {

    static final double TRUNCATED = 0.5;
    static final double FILTERED = 0.5;
    static final double REFUSAL = 0.6;
    static final double INVALID_JSON = 0.6;
    static final double MISSING_KEYS = 0.3;
    static final double NO_TOOL_CALL = 0.6;
    static final double BAD_TOOL_ARGUMENTS = 0.5;
    static final double TOO_SHORT = 0.3;
    static final double REPETITION = 0.4;

    static final int LONG_QUESTION_CHARS = 400;
    static final int SHORT_ANSWER_CHARS = 40;
    /** Only the opening is searched: a long answer may legitimately quote a refusal. */
    private static final int REFUSAL_WINDOW = 200;
    private static final List<String> REFUSAL_PHRASES = List.of(
            "i can't help", "i cannot help", "i can't assist", "i cannot assist", "i can't provide",
            "i cannot provide", "i'm unable to", "i am unable to", "i won't be able to", "i can't comply",
            "i cannot comply", "i must decline", "i'm not able to help", "as an ai", "as a language model");

    @Override
    public QualityVerdict assess(ChatRequest request, ChatResponse response) {
        if (response == null || response.choices().isEmpty()) {
            return new QualityVerdict(0, List.of("empty: no choices"));
        }
        ChatChoice choice = response.choices().get(0);
        ChatMessage message = choice.message();
        String text = message == null ? "" : message.text();
        List<ToolCall> toolCalls = message == null ? List.of() : message.toolCalls();
        boolean hasRefusal = message != null && message.refusal() != null && !message.refusal().isBlank();
        if (text.isBlank() && toolCalls.isEmpty() && !hasRefusal) {
            return new QualityVerdict(0, List.of("empty answer"));
        }

        List<String> problems = new ArrayList<>(2);
        double penalty = 0;
        if ("length".equals(choice.finishReason())) {
            penalty += TRUNCATED;
            problems.add("truncated (finish_reason=length)");
        } else if ("content_filter".equals(choice.finishReason())) {
            penalty += FILTERED;
            problems.add("filtered (finish_reason=content_filter)");
        }
        if (hasRefusal || opensWithRefusal(text)) {
            penalty += REFUSAL;
            problems.add("refusal");
        }
        if (request.wantsJson() && toolCalls.isEmpty()) {
            penalty += judgeJson(request.responseFormat(), text, problems);
        }
        penalty += judgeToolCalls(request, toolCalls, problems);
        boolean freeText = !request.wantsJson() && toolCalls.isEmpty();
        if (freeText && !hasRefusal && text.strip().length() < SHORT_ANSWER_CHARS
                && lastUserText(request).length() >= LONG_QUESTION_CHARS) {
            penalty += TOO_SHORT;
            problems.add("too short for the question");
        }
        if (isRepetitive(text)) {
            penalty += REPETITION;
            problems.add("repetitive text");
        }
        return new QualityVerdict(Math.max(0, 1 - penalty), problems);
    }

    private static boolean opensWithRefusal(String text) {
        String head = text.length() > REFUSAL_WINDOW ? text.substring(0, REFUSAL_WINDOW) : text;
        head = head.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        for (String phrase : REFUSAL_PHRASES) {
            if (head.contains(phrase)) {
                return true;
            }
        }
        return false;
    }

    private static double judgeJson(ResponseFormat format, String text, List<String> problems) {
        Object parsed;
        try {
            parsed = StrictJson.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add("invalid json: " + e.getMessage());
            return INVALID_JSON;
        }
        if (!(parsed instanceof Map<?, ?> object)) {
            // json_object mode promises an object; a schema may in theory ask for anything else.
            if ("json_object".equals(format.type())) {
                problems.add("invalid json: not an object");
                return INVALID_JSON;
            }
            return 0;
        }
        List<String> missing = missingRequiredKeys(format.schemaJson(), object);
        if (!missing.isEmpty()) {
            problems.add("missing required keys " + missing);
            return MISSING_KEYS;
        }
        return 0;
    }

    /** Top-level {@code required} of a json_schema only; nested schemas are beyond a cheap check. */
    private static List<String> missingRequiredKeys(String schemaJson, Map<?, ?> answer) {
        if (schemaJson == null || schemaJson.isBlank()) {
            return List.of();
        }
        Object schema;
        try {
            schema = StrictJson.parse(schemaJson);
        } catch (IllegalArgumentException e) {
            return List.of(); // the schema is the caller's; a broken one is not the answer's fault
        }
        if (!(schema instanceof Map<?, ?> s) || !(s.get("required") instanceof List<?> required)) {
            return List.of();
        }
        List<String> missing = new ArrayList<>(0);
        for (Object key : required) {
            if (key instanceof String k && !answer.containsKey(k)) {
                missing.add(k);
            }
        }
        return missing;
    }

    private static double judgeToolCalls(ChatRequest request, List<ToolCall> toolCalls, List<String> problems) {
        double penalty = 0;
        ToolChoice choice = request.toolChoice();
        boolean mustCall = request.wantsTools() && choice != null
                && ("required".equals(choice.mode()) || "function".equals(choice.mode()));
        if (mustCall) {
            if (toolCalls.isEmpty()) {
                penalty += NO_TOOL_CALL;
                problems.add("no tool call (tool_choice=" + choice.mode() + ")");
            } else if ("function".equals(choice.mode()) && choice.functionName() != null
                    && toolCalls.stream().noneMatch(c -> choice.functionName().equals(c.name()))) {
                penalty += NO_TOOL_CALL;
                problems.add("no call to " + choice.functionName());
            }
        }
        for (ToolCall call : toolCalls) {
            String args = call.argumentsJson();
            boolean ok;
            try {
                // Empty arguments are how some upstreams say "no parameters"; clients parse them as {}.
                ok = args == null || args.isBlank() || StrictJson.parse(args) instanceof Map<?, ?>;
            } catch (IllegalArgumentException e) {
                ok = false;
            }
            if (!ok) {
                penalty += BAD_TOOL_ARGUMENTS;
                problems.add("tool call arguments are not a JSON object (" + call.name() + ")");
                break; // one penalty, however many bad calls
            }
        }
        return penalty;
    }

    private static String lastUserText(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return messages.get(i).text();
            }
        }
        return "";
    }

    /**
     * A looping answer repeats the same few phrases: fewer than half of its word 4-grams are distinct (normal prose
     * is above 0.9, templated lists above 0.7). Text without spaces (CJK, "hahaha…") is cut into 10-char pieces.
     */
    static boolean isRepetitive(String text) {
        String[] words = text.strip().split("\\s+");
        if (words.length >= 24) {
            int n = words.length - 3;
            Set<String> distinct = new HashSet<>(n * 2);
            for (int i = 0; i < n; i++) {
                distinct.add(words[i] + ' ' + words[i + 1] + ' ' + words[i + 2] + ' ' + words[i + 3]);
            }
            return distinct.size() < n * 0.5;
        }
        if (text.length() >= 200) {
            String sample = text.length() > 4000 ? text.substring(0, 4000) : text; // a loop shows early enough
            int n = sample.length() - 9;
            Set<String> distinct = new HashSet<>(n * 2);
            for (int i = 0; i < n; i++) {
                distinct.add(sample.substring(i, i + 10));
            }
            return distinct.size() < n * 0.3;
        }
        return false;
    }
}
