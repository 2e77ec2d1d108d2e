package ai.aideon.core.cache;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.core.api.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChatStreamAssemblerTest {

    @Test
    void contentAndToolCallsAreJoinedPerChoice() {
        ChatStreamAssembler a = new ChatStreamAssembler();
        a.add(ChatChunk.of(new ChoiceDelta(0, "assistant", "Hel", null, null)));
        a.add(ChatChunk.of(new ChoiceDelta(1, "assistant", null,
                List.of(new ToolCallDelta(0, "call_1", "lookup", "{\"q\":")), null)));
        a.add(ChatChunk.of(ChoiceDelta.text(0, "lo.")));
        a.add(ChatChunk.of(new ChoiceDelta(1, null, null, List.of(new ToolCallDelta(0, null, null, "\"x\"}")), null)));
        assertThat(a.complete(2)).as("no finish reason yet").isFalse();
        a.add(ChatChunk.of(new ChoiceDelta(0, null, null, null, "stop")));
        a.add(ChatChunk.of(new ChoiceDelta(1, null, null, null, "tool_calls")));
        a.add(ChatChunk.usageOnly(new Usage(5, 4)));
        assertThat(a.complete(2)).isTrue();
        assertThat(a.complete(3)).as("a missing choice").isFalse();

        ChatResponse r = a.response("id", 1, "m");
        assertThat(r.choices().get(0).message().text()).isEqualTo("Hello.");
        assertThat(r.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(r.choices().get(1).message().content()).isNull();
        assertThat(r.choices().get(1).message().toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo("call_1");
            assertThat(c.name()).isEqualTo("lookup");
            assertThat(c.argumentsJson()).isEqualTo("{\"q\":\"x\"}");
        });
        assertThat(r.usage()).isEqualTo(new Usage(5, 4));
    }
}
