package ai.aideon.providers.simulator;

import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolChoice;
import ai.aideon.core.api.ToolSpec;
import ai.aideon.core.api.Usage;
import ai.aideon.core.route.TokenCounter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Decides what the simulator answers. Everything is a function of (provider seed, model, messages, request seed),
 * so the same question always gets the same answer, and different questions visibly different ones.
 */
final class AnswerPlanner {
    private static final int MIN_TOKENS = 40;
    private static final int MAX_TOKENS = 120;

    private AnswerPlanner() {
    }

    static SimulatedCompletion plan(long providerSeed, String model, ChatRequest r) {
        long key = fingerprint(providerSeed, model, r);
        Topic topic = Topic.of(lastUserText(r));
        List<SimulatedCompletion.Choice> choices = new ArrayList<>(r.n());
        long completionTokens = 0;
        for (int i = 0; i < r.n(); i++) {
            SplittableRandom rng = new SplittableRandom(mix(key + i));
            SimulatedCompletion.Choice c = shouldCallTool(r)
                    ? toolChoice(i, r, topic, rng)
                    : textChoice(i, r, compose(r, topic, rng));
            completionTokens += c.text() != null ? Tokens.count(c.text())
                    : Tokens.count(c.toolCall().name()) + Tokens.count(c.toolCall().argumentsJson());
            choices.add(c);
        }
        Usage usage = new Usage(TokenCounter.cl100k().countPrompt(r), completionTokens);
        return new SimulatedCompletion(choices, usage);
    }

    /** Like a real model: call a tool when asked to; after a tool result, answer in words unless forced again. */
    private static boolean shouldCallTool(ChatRequest r) {
        if (!r.wantsTools()) {
            return false;
        }
        ToolChoice choice = r.toolChoice();
        boolean forced = choice != null && ("required".equals(choice.mode()) || "function".equals(choice.mode()));
        boolean afterToolResult = !r.messages().isEmpty()
                && "tool".equals(r.messages().get(r.messages().size() - 1).role());
        return forced || !afterToolResult;
    }

    private static String compose(ChatRequest r, Topic topic, SplittableRandom rng) {
        if (r.wantsJson()) {
            return "json_schema".equals(r.responseFormat().type())
                    ? SchemaFiller.fill(r.responseFormat().schemaJson(), topic, rng).toString()
                    : SchemaFiller.defaultObject(topic, rng).toString();
        }
        if (!r.messages().isEmpty() && "tool".equals(r.messages().get(r.messages().size() - 1).role())) {
            return TextComposer.afterToolResult(topic, rng);
        }
        return TextComposer.answer(topic, rng, MIN_TOKENS + rng.nextInt(MAX_TOKENS - MIN_TOKENS + 1));
    }

    /** Applies stop sequences, then max_tokens, in the order a model would hit them. */
    private static SimulatedCompletion.Choice textChoice(int index, ChatRequest r, String text) {
        String out = text;
        for (String stop : r.stop()) {
            int at = stop.isEmpty() ? -1 : out.indexOf(stop);
            if (at >= 0) {
                out = out.substring(0, at);
            }
        }
        String finish = "stop";
        if (r.maxTokens() != null && Tokens.count(out) > r.maxTokens()) {
            out = Tokens.truncate(out, r.maxTokens());
            finish = "length";
        }
        return new SimulatedCompletion.Choice(index, out, null, finish);
    }

    private static SimulatedCompletion.Choice toolChoice(int index, ChatRequest r, Topic topic, SplittableRandom rng) {
        ToolSpec tool = r.tools().get(0);
        ToolChoice choice = r.toolChoice();
        if (choice != null && "function".equals(choice.mode())) {
            tool = r.tools().stream().filter(t -> t.name().equals(choice.functionName())).findFirst().orElse(tool);
        }
        String arguments = SchemaFiller.fill(tool.parametersJson(), topic, rng).toString();
        String finish = "tool_calls";
        if (r.maxTokens() != null && Tokens.count(arguments) > r.maxTokens()) {
            arguments = Tokens.truncate(arguments, r.maxTokens());
            finish = "length";
        }
        String id = "call_" + Long.toHexString(rng.nextLong() >>> 4);
        return new SimulatedCompletion.Choice(index, null, new ToolCall(id, tool.name(), arguments), finish);
    }

    private static String lastUserText(ChatRequest r) {
        for (int i = r.messages().size() - 1; i >= 0; i--) {
            ChatMessage m = r.messages().get(i);
            if ("user".equals(m.role())) {
                return m.text();
            }
        }
        return r.messages().isEmpty() ? null : r.messages().get(r.messages().size() - 1).text();
    }

    /** FNV-1a over everything that defines "the same question", finished with a SplitMix64 mix. */
    static long fingerprint(long providerSeed, String model, ChatRequest r) {
        long h = 0xcbf29ce484222325L ^ providerSeed;
        h = fnv(h, model);
        for (ChatMessage m : r.messages()) {
            h = fnv(h, m.role());
            h = fnv(h, m.text());
            h = fnv(h, m.toolCallId());
            for (ToolCall c : m.toolCalls()) {
                h = fnv(h, c.name());
                h = fnv(h, c.argumentsJson());
            }
        }
        h = fnv(h, r.seed() == null ? "-" : Long.toString(r.seed()));
        return mix(h);
    }

    private static long fnv(long h, String s) {
        if (s != null) {
            for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                h ^= b & 0xff;
                h *= 0x100000001b3L;
            }
        }
        h ^= 0x1f;
        return h * 0x100000001b3L;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
