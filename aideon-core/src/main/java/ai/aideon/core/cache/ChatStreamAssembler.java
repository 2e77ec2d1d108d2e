package ai.aideon.core.cache;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.core.api.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds the complete answer from a stream's chunks, so a streamed miss can fill the cache like a plain one.
 * Content and tool-call fragments are concatenated per choice (and per tool call index), as OpenAI's SDKs do.
 * Not thread-safe: one stream is read by one thread.
 */
public final class ChatStreamAssembler {
    private final Map<Integer, ChoiceParts> choices = new TreeMap<>();
    private Usage usage;

    public void add(ChatChunk chunk) {
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        for (ChoiceDelta d : chunk.choices()) {
            ChoiceParts c = choices.computeIfAbsent(d.index(), i -> new ChoiceParts());
            if (d.content() != null) {
                c.text.append(d.content());
            }
            for (ToolCallDelta t : d.toolCalls()) {
                ToolParts tool = c.tools.computeIfAbsent(t.index(), i -> new ToolParts());
                if (t.id() != null) {
                    tool.id = t.id();
                }
                if (t.name() != null) {
                    tool.name = t.name();
                }
                if (t.argumentsFragment() != null) {
                    tool.arguments.append(t.argumentsFragment());
                }
            }
            if (d.finishReason() != null) {
                c.finishReason = d.finishReason();
            }
        }
    }

    /**
     * Whether every choice the request asked for arrived and said why it ended. A stream that stopped without a
     * finish reason is not a complete answer, even if it ended without an error.
     */
    public boolean complete(int expectedChoices) {
        if (choices.size() != expectedChoices) {
            return false;
        }
        for (ChoiceParts c : choices.values()) {
            if (c.finishReason == null) {
                return false;
            }
        }
        return true;
    }

    /** The usage the stream reported, or null when it reported none. */
    public Usage usage() {
        return usage;
    }

    public ChatResponse response(String id, long created, String model) {
        List<ChatChoice> out = new ArrayList<>(choices.size());
        for (Map.Entry<Integer, ChoiceParts> e : choices.entrySet()) {
            ChoiceParts c = e.getValue();
            List<ToolCall> calls = new ArrayList<>(c.tools.size());
            for (ToolParts t : c.tools.values()) {
                calls.add(new ToolCall(t.id, t.name, t.arguments.toString()));
            }
            String text = c.text.isEmpty() && !calls.isEmpty() ? null : c.text.toString();
            out.add(new ChatChoice(e.getKey(), ChatMessage.assistant(text, calls), c.finishReason));
        }
        return new ChatResponse(id, created, model, out, usage, null);
    }

    private static final class ChoiceParts {
        final StringBuilder text = new StringBuilder();
        final Map<Integer, ToolParts> tools = new TreeMap<>();
        String finishReason;
    }

    private static final class ToolParts {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }
}
