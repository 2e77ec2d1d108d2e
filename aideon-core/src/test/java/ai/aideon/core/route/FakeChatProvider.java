package ai.aideon.core.route;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.provider.ChatCall;
import ai.aideon.core.provider.ChatProvider;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An in-memory provider that plays a script: each call takes the next step (answer or failure); when the script
 * runs out it answers {@code "answer from <name>"}. Records every call.
 */
class FakeChatProvider implements ChatProvider {
    private final String name;
    private final Deque<Object> chatScript = new ArrayDeque<>();
    private final Deque<StreamStep> streamScript = new ArrayDeque<>();
    final List<ChatCall> calls = new ArrayList<>();
    final List<ScriptedStream> openedStreams = new ArrayList<>();

    FakeChatProvider(String name) {
        this.name = name;
    }

    FakeChatProvider failsWith(ProviderException e) {
        chatScript.add(e);
        return this;
    }

    FakeChatProvider answers(ChatResponse r) {
        chatScript.add(r);
        return this;
    }

    FakeChatProvider answers(String text) {
        return answers(Fixtures.answer(text));
    }

    /** The next stream() call throws. */
    FakeChatProvider streamOpenFails(ProviderException e) {
        streamScript.add(new StreamStep(e, List.of(), null));
        return this;
    }

    /** The next stream() call returns a stream with these chunks, then {@code failure} (or a clean end if null). */
    FakeChatProvider streams(List<String> texts, ProviderException failureAfter) {
        streamScript.add(new StreamStep(null, texts, failureAfter));
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChatResponse chat(ChatCall call) throws ProviderException {
        calls.add(call);
        Object step = chatScript.poll();
        if (step instanceof ProviderException e) {
            throw e;
        }
        return step instanceof ChatResponse r ? r : Fixtures.answer("answer from " + name);
    }

    @Override
    public ChatStream stream(ChatCall call) throws ProviderException {
        calls.add(call);
        StreamStep step = streamScript.poll();
        if (step == null) {
            step = new StreamStep(null, List.of("stream from " + name), null);
        }
        if (step.openFailure != null) {
            throw step.openFailure;
        }
        ScriptedStream s = new ScriptedStream(new ArrayDeque<>(step.texts), step.failureAfter);
        openedStreams.add(s);
        return s;
    }

    private record StreamStep(ProviderException openFailure, List<String> texts, ProviderException failureAfter) {
    }

    static final class ScriptedStream implements ChatStream {
        private final Deque<String> texts;
        private final ProviderException failureAfter;
        boolean closed;

        ScriptedStream(Deque<String> texts, ProviderException failureAfter) {
            this.texts = texts;
            this.failureAfter = failureAfter;
        }

        @Override
        public ChatChunk next() throws ProviderException {
            String t = texts.poll();
            if (t != null) {
                return ChatChunk.of(ChoiceDelta.text(0, t));
            }
            if (failureAfter != null) {
                throw failureAfter;
            }
            return null;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
