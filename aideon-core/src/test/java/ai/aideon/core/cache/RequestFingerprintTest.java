package ai.aideon.core.cache;

import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.ToolSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

class RequestFingerprintTest {
    static final CacheScope SCOPE = new CacheScope("acme", "premium", Role.PRIMARY, false);

    static ChatRequest base() {
        return new ChatRequest("aideon/text", List.of(ChatMessage.of("system", "Be brief."),
                ChatMessage.of("user", "What is the capital of France?")), false, false, 100, 0.0, null, null, null,
                1, null, null, null, null, null, null, false);
    }

    @Test
    void theSameRequestHasTheSameKeyAndItIsAHexSha256() {
        assertThat(RequestFingerprint.chat(base(), SCOPE)).isEqualTo(RequestFingerprint.chat(base(), SCOPE))
                .matches("[0-9a-f]{64}");
    }

    @Test
    void everyParameterThatChangesTheAnswerChangesTheKey() {
        String key = RequestFingerprint.chat(base(), SCOPE);
        List<UnaryOperator<ChatRequest>> changes = List.of(
                r -> r.withModel("aideon/code"),
                r -> with(r, "max_tokens"),
                r -> with(r, "temperature"),
                r -> with(r, "top_p"),
                r -> with(r, "seed"),
                r -> with(r, "n"),
                r -> with(r, "stop"),
                r -> with(r, "tools"),
                r -> with(r, "response_format"),
                r -> with(r, "legacy"),
                r -> with(r, "system"),
                r -> with(r, "question"));
        for (UnaryOperator<ChatRequest> change : changes) {
            assertThat(RequestFingerprint.chat(change.apply(base()), SCOPE)).isNotEqualTo(key);
        }
        assertThat(RequestFingerprint.chat(base(), new CacheScope("acme", "free", Role.PRIMARY, false))).isNotEqualTo(key);
        assertThat(RequestFingerprint.chat(base(), new CacheScope("acme", "premium", Role.QUALITY, false))).isNotEqualTo(key);
        assertThat(RequestFingerprint.chat(base(), new CacheScope("acme", "premium", Role.PRIMARY, true))).isNotEqualTo(key);
    }

    @Test
    void streamingUserAndMetadataDoNotChangeTheKey() {
        ChatRequest b = base();
        ChatRequest other = new ChatRequest(b.model(), b.messages(), true, true, b.maxTokens(), 0.0, null, null, null,
                1, null, null, null, null, "end-user-7", Map.of("trace", "x"), false);
        assertThat(RequestFingerprint.chat(other, SCOPE)).isEqualTo(RequestFingerprint.chat(b, SCOPE));
    }

    @Test
    void temperatureIsComparedByValue() {
        ChatRequest b = base();
        ChatRequest negativeZero = new ChatRequest(b.model(), b.messages(), false, false, 100, -0.0, null, null, null,
                1, null, null, null, null, null, null, false);
        assertThat(RequestFingerprint.chat(negativeZero, SCOPE)).isEqualTo(RequestFingerprint.chat(b, SCOPE));
    }

    @Test
    void theContextKeyIgnoresOnlyTheLastMessage() {
        ChatRequest b = base();
        ChatRequest otherQuestion = new ChatRequest(b.model(), List.of(b.messages().get(0),
                ChatMessage.of("user", "What's the capital of France?")), false, false, 100, 0.0, null, null, null, 1,
                null, null, null, null, null, null, false);
        assertThat(RequestFingerprint.chatContext(otherQuestion, SCOPE)).isEqualTo(RequestFingerprint.chatContext(b, SCOPE));
        assertThat(RequestFingerprint.chatContext(with(b, "system"), SCOPE)).isNotEqualTo(RequestFingerprint.chatContext(b, SCOPE));
        assertThat(RequestFingerprint.chatContext(b, SCOPE)).isNotEqualTo(RequestFingerprint.chat(b, SCOPE));
    }

    @Test
    void lengthPrefixesKeepNeighbouringValuesApart() {
        EmbeddingRequest ab = new EmbeddingRequest("aideon/embed", List.of("ab", "c"), null, null);
        EmbeddingRequest bc = new EmbeddingRequest("aideon/embed", List.of("a", "bc"), null, null);
        assertThat(RequestFingerprint.embedding(ab, SCOPE)).isNotEqualTo(RequestFingerprint.embedding(bc, SCOPE));
        assertThat(RequestFingerprint.embedding(ab, SCOPE)).isEqualTo(RequestFingerprint.embedding(
                new EmbeddingRequest("aideon/embed", List.of("ab", "c"), null, "someone"), SCOPE));
        assertThat(RequestFingerprint.embedding(ab, SCOPE)).isNotEqualTo(RequestFingerprint.embedding(
                new EmbeddingRequest("aideon/embed", List.of("ab", "c"), 384, null), SCOPE));
    }

    private static ChatRequest with(ChatRequest r, String what) {
        List<ChatMessage> messages = r.messages();
        Integer maxTokens = r.maxTokens();
        Double temperature = r.temperature();
        Double topP = r.topP();
        Long seed = r.seed();
        int n = r.n();
        List<String> stop = r.stop();
        List<ToolSpec> tools = r.tools();
        ResponseFormat format = r.responseFormat();
        boolean legacy = r.legacyPrompt();
        switch (what) {
            case "max_tokens" -> maxTokens = 101;
            case "temperature" -> temperature = 0.5;
            case "top_p" -> topP = 0.9;
            case "seed" -> seed = 7L;
            case "n" -> n = 2;
            case "stop" -> stop = List.of("\n");
            case "tools" -> tools = List.of(new ToolSpec("lookup", "Looks up", "{\"type\":\"object\"}", null));
            case "response_format" -> format = ResponseFormat.jsonObject();
            case "legacy" -> legacy = true;
            case "system" -> messages = List.of(ChatMessage.of("system", "Be verbose."), messages.get(1));
            case "question" -> messages = List.of(messages.get(0), ChatMessage.of("user", "What is the capital of Spain?"));
            default -> throw new IllegalArgumentException(what);
        }
        return new ChatRequest(r.model(), messages, r.stream(), r.includeUsage(), maxTokens, temperature, topP, stop,
                seed, n, tools, null, null, format, r.user(), r.metadata(), legacy);
    }
}
