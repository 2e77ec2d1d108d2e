package ai.aideon.providers.simulator;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a {@link SimulatedCompletion} the way OpenAI does: one chunk per token (the first carrying the role),
 * tool calls as an id+name delta followed by argument fragments, a finish chunk per choice, then a usage-only chunk.
 */
final class SimulatorStream implements ChatStream {

    /** A chunk and how long the upstream would take to produce it. */
    private record Timed(ChatChunk chunk, Duration delay) {
    }

    private final SimulatorProvider provider;
    private final List<Timed> script;
    private final int breakBefore;
    private final Duration timeout;
    private int position;
    private volatile boolean closed;
    private ProviderException failure;

    /**
     * @param breakBefore index of the chunk before which the simulated upstream drops the stream, or -1
     */
    SimulatorStream(SimulatorProvider provider, SimulatedCompletion completion, Duration firstWait,
                    Duration perToken, int breakBefore, Duration timeout) {
        this.provider = provider;
        this.script = script(completion, firstWait, perToken);
        this.breakBefore = breakBefore;
        this.timeout = timeout;
    }

    /** Chunks that carry tokens (content or argument fragments): where a mid-stream failure may strike. */
    static int tokenChunkCount(SimulatedCompletion completion) {
        int n = 0;
        for (SimulatedCompletion.Choice c : completion.choices()) {
            n += c.text() != null ? Math.max(1, Tokens.split(c.text()).size())
                    : 1 + Tokens.split(c.toolCall().argumentsJson()).size();
        }
        return n;
    }

    @Override
    public ChatChunk next() throws ProviderException {
        if (failure != null) {
            throw failure;
        }
        if (position >= script.size()) {
            return null;
        }
        if (closed) {
            throw fail(provider.unavailable("stream closed by the caller"));
        }
        provider.checkUp("went down mid-stream", this::fail);
        if (position == breakBefore) {
            throw fail(provider.unavailable("simulated upstream dropped the stream"));
        }
        Timed next = script.get(position);
        provider.await(next.delay(), timeout, this::fail);
        provider.checkUp("went down mid-stream", this::fail);
        position++;
        return next.chunk();
    }

    private ProviderException fail(ProviderException e) {
        failure = e;
        return e;
    }

    @Override
    public void close() {
        closed = true;
    }

    private static List<Timed> script(SimulatedCompletion completion, Duration firstWait, Duration perToken) {
        List<Timed> out = new ArrayList<>(completion.completionTokens() + 2 * completion.choices().size() + 1);
        for (SimulatedCompletion.Choice c : completion.choices()) {
            if (c.text() != null) {
                List<String> pieces = Tokens.split(c.text());
                if (pieces.isEmpty()) {
                    out.add(new Timed(ChatChunk.of(new ChoiceDelta(c.index(), "assistant", "", null, null)),
                            wait(out, firstWait, perToken)));
                }
                for (int i = 0; i < pieces.size(); i++) {
                    ChoiceDelta d = new ChoiceDelta(c.index(), i == 0 ? "assistant" : null, pieces.get(i), null, null);
                    out.add(new Timed(ChatChunk.of(d), wait(out, firstWait, perToken)));
                }
            } else {
                ToolCall call = c.toolCall();
                ChoiceDelta head = new ChoiceDelta(c.index(), "assistant", null,
                        List.of(new ToolCallDelta(0, call.id(), call.name(), "")), null);
                out.add(new Timed(ChatChunk.of(head), wait(out, firstWait, perToken)));
                for (String piece : Tokens.split(call.argumentsJson())) {
                    ChoiceDelta d = new ChoiceDelta(c.index(), null, null,
                            List.of(new ToolCallDelta(0, null, null, piece)), null);
                    out.add(new Timed(ChatChunk.of(d), perToken));
                }
            }
            out.add(new Timed(ChatChunk.of(new ChoiceDelta(c.index(), null, null, null, c.finishReason())),
                    Duration.ZERO));
        }
        out.add(new Timed(ChatChunk.usageOnly(completion.usage()), Duration.ZERO));
        return out;
    }

    private static Duration wait(List<Timed> soFar, Duration firstWait, Duration perToken) {
        return soFar.isEmpty() ? firstWait : perToken;
    }
}
