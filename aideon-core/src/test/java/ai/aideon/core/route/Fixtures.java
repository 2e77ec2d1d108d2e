package ai.aideon.core.route;

import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.Modality;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Source;
import ai.aideon.core.api.Usage;
import ai.aideon.core.catalog.Capability;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Price;
import ai.aideon.core.catalog.RouteEntry;
import ai.aideon.core.provider.ProviderException;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Small builders shared by the routing tests. */
final class Fixtures {
    static final Set<Capability> ALL_CAPS = EnumSet.allOf(Capability.class);
    static final Set<String> ALL_TIERS = Set.of("free", "premium");

    private Fixtures() {
    }

    static ModelSpec local(String id, int contextWindow, Set<Capability> caps) {
        return new ModelSpec(id, "local", id, Modality.TEXT, Source.LOCAL, caps, contextWindow, Price.FREE,
                ALL_TIERS, "local " + id);
    }

    static ModelSpec cloud(String provider, String id, int contextWindow, String outputPrice,
                           Set<Capability> caps, Set<String> tiers) {
        return new ModelSpec(id, provider, id, Modality.TEXT, Source.CLOUD, caps, contextWindow,
                Price.perMTokens(outputPrice, outputPrice), tiers, "cloud " + id);
    }

    static RouteEntry entry(ModelSpec m, Role role) {
        return new RouteEntry(m.id(), role);
    }

    static ChatRequest ask(String model, String text) {
        return ChatRequest.of(model, List.of(ChatMessage.of("user", text)));
    }

    static ChatResponse answer(String text) {
        return answer(text, "stop");
    }

    static ChatResponse answer(String text, String finishReason) {
        return new ChatResponse("chatcmpl-1", 1, "m", List.of(new ChatChoice(0, ChatMessage.of("assistant", text),
                finishReason)), new Usage(10, 5), null);
    }

    static ProviderException status(ProviderException.Kind kind, int status) {
        return new ProviderException(kind, "upstream said " + status, status, null, null, null);
    }

    static ProviderException rateLimited(Duration retryAfter) {
        return new ProviderException(ProviderException.Kind.RATE_LIMITED, "slow down", 429, retryAfter, null, null);
    }

    static Candidate candidate(ModelSpec m) {
        return new Candidate(m, Role.PRIMARY, "test");
    }

    static RoutePlan plan(Role role, ModelSpec... models) {
        List<Candidate> candidates = java.util.Arrays.stream(models).map(Fixtures::candidate).toList();
        return new RoutePlan("aideon/text", "aideon/text", role, 10, candidates, List.of());
    }
}
