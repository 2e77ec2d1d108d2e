package ai.aideon.client.cache;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.Modality;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Source;
import ai.aideon.core.api.ToolSpec;
import ai.aideon.core.api.Usage;
import ai.aideon.core.cache.CacheScope;
import ai.aideon.core.catalog.ModelSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

final class CacheFixtures {
    static final ModelSpec MODEL = new ModelSpec("cloud/llama-8b", "cloud", "llama-8b", Modality.TEXT, Source.CLOUD,
            Set.of(), 8192, null, Set.of("free", "premium"), null);

    private CacheFixtures() {
    }

    static CacheScope scope(String tenant) {
        return new CacheScope(tenant, "premium", Role.PRIMARY, false);
    }

    /** A chat request; {@code temperature} null means "not given". */
    static ChatRequest chat(String system, String question, Double temperature, boolean tools) {
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(ChatMessage.of("system", system));
        }
        messages.add(ChatMessage.of("user", question));
        return new ChatRequest("aideon/text", messages, false, false, null, temperature, null, null, null, 1,
                tools ? List.of(new ToolSpec("lookup", "Looks things up", "{\"type\":\"object\"}", null)) : null,
                null, null, null, null, null, false);
    }

    static ChatResponse answer(String text) {
        return answer(text, "stop");
    }

    static ChatResponse answer(String text, String finish) {
        return new ChatResponse("up-1", 1, "llama-8b", List.of(new ChatChoice(0, ChatMessage.assistant(text, null),
                finish)), new Usage(12, 3), null);
    }
}
