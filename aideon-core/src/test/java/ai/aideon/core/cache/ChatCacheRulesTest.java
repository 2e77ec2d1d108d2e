package ai.aideon.core.cache;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ContentPart;
import ai.aideon.core.api.ToolSpec;
import ai.aideon.core.api.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChatCacheRulesTest {

    static ChatRequest request(Double temperature, Long seed) {
        return new ChatRequest("aideon/text", List.of(ChatMessage.of("user", "hi")), false, false, null, temperature,
                null, null, seed, 1, null, null, null, null, null, null, false);
    }

    @Test
    void onlyTemperatureZeroOrASeedIsDeterministic() {
        assertThat(ChatCacheRules.deterministic(request(0.0, null))).isTrue();
        assertThat(ChatCacheRules.deterministic(request(0.7, 42L))).isTrue();
        assertThat(ChatCacheRules.deterministic(request(null, null))).as("absent temperature means 1").isFalse();
        assertThat(ChatCacheRules.deterministic(request(0.2, null))).isFalse();
    }

    @Test
    void filteredRefusedOrEmptyAnswersAreNotStored() {
        ChatChoice ok = new ChatChoice(0, ChatMessage.assistant("Paris.", null), "stop");
        ChatChoice truncated = new ChatChoice(0, ChatMessage.assistant("Par", null), "length");
        ChatChoice filtered = new ChatChoice(0, ChatMessage.assistant("", null), "content_filter");
        ChatChoice refused = new ChatChoice(0, new ChatMessage("assistant", null, null, null, null, "I can't help."),
                "stop");
        assertThat(ChatCacheRules.storable(response(ok))).isTrue();
        assertThat(ChatCacheRules.storable(response(truncated))).as("max_tokens is in the key").isTrue();
        assertThat(ChatCacheRules.storable(response(filtered))).isFalse();
        assertThat(ChatCacheRules.storable(response(refused))).isFalse();
        assertThat(ChatCacheRules.storable(new ChatResponse("x", 0, "m", List.of(), Usage.ZERO, null))).isFalse();
        assertThat(ChatCacheRules.storable(new ChatResponse("x", 0, "m", List.of(ok, new ChatChoice(1, filtered.message(),
                "content_filter")), Usage.ZERO, null))).as("one filtered choice spoils the answer").isFalse();
    }

    @Test
    void semanticNeedsAPlainUserQuestionAndNoTools() {
        ChatRequest plain = request(null, null);
        assertThat(ChatCacheRules.semanticIneligibility(plain)).isEmpty();
        assertThat(ChatCacheRules.semanticQuery(plain)).isEqualTo("hi");
        ChatRequest tools = new ChatRequest("aideon/text", plain.messages(), false, false, null, null, null, null,
                null, 1, List.of(new ToolSpec("f", null, null, null)), null, null, null, null, null, false);
        assertThat(ChatCacheRules.semanticIneligibility(tools)).hasValue("the request declares tools");
        ChatRequest lastAssistant = ChatRequest.of("aideon/text", List.of(ChatMessage.of("user", "hi"),
                ChatMessage.of("assistant", "hello")));
        assertThat(ChatCacheRules.semanticIneligibility(lastAssistant)).isPresent();
        ChatRequest image = ChatRequest.of("aideon/vision", List.of(new ChatMessage("user", List.of(
                new ContentPart.Text("what is this?"), new ContentPart.Image("data:image/png;base64,AAAA", null)),
                null, null, null, null)));
        assertThat(ChatCacheRules.semanticIneligibility(image)).hasValue("the last message is not plain text");
    }

    private static ChatResponse response(ChatChoice c) {
        return new ChatResponse("x", 0, "m", List.of(c), new Usage(3, 2), null);
    }
}
