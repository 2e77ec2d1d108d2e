package ai.aideon.providers;

import ai.aideon.core.provider.ChatProvider;
import ai.aideon.providers.ollama.OllamaProvider;
import ai.aideon.providers.openai.OpenAiCompatibleProvider;
import ai.aideon.providers.together.TogetherProvider;

import java.util.Locale;

/** Builds the chat adapter for a configured provider type. */
public final class ProviderFactory {
    public static final String VALID_TYPES = "together, openai, ollama";

    private ProviderFactory() {
    }

    public static ChatProvider create(ProviderSettings settings) {
        return switch (settings.type().toLowerCase(Locale.ROOT)) {
            case "together" -> new TogetherProvider(settings);
            case "openai" -> new OpenAiCompatibleProvider(settings);
            case "ollama" -> new OllamaProvider(settings);
            default -> throw new IllegalArgumentException("unknown provider type '" + settings.type()
                    + "' for provider '" + settings.name() + "'; valid types: " + VALID_TYPES);
        };
    }
}
