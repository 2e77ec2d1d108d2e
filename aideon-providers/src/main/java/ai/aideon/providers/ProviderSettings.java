package ai.aideon.providers;

import ai.aideon.core.api.Source;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One configured provider instance.
 *
 * @param name           instance name used in routes and logs ({@code local}, {@code together})
 * @param type           adapter type: {@code together}, {@code openai}, {@code ollama}, {@code llamacpp},
 *                       {@code vllm} or {@code whisper-cpp}
 * @param source         whether answers are computed locally or in the cloud
 * @param baseUrl        for together/openai the API root including {@code /v1}; for the local engines (ollama,
 *                       llamacpp, vllm, whisper-cpp) the server root
 * @param apiKey         absent for keyless local engines
 * @param connectTimeout TCP connect timeout (default 10 s)
 * @param options        adapter-specific knobs; see the adapters' class docs. {@code header.<Name>} adds a header;
 *                       {@code api} ({@code native} | {@code openai}) picks Ollama's API.
 */
public record ProviderSettings(String name, String type, Source source, URI baseUrl, Secret apiKey,
                               Duration connectTimeout, Map<String, String> options) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public ProviderSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(baseUrl, "baseUrl");
        source = source == null ? Source.CLOUD : source;
        apiKey = apiKey == null ? Secret.absent() : apiKey;
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** The same instance at another address (the OpenAI-compatible API under a local engine's root). */
    public ProviderSettings withBaseUrl(URI url) {
        return new ProviderSettings(name, type, source, url, apiKey, connectTimeout, options);
    }

    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    /** Option values may hold header credentials, so only their keys are shown. */
    @Override
    public String toString() {
        return "ProviderSettings[name=" + name + ", type=" + type + ", source=" + source + ", baseUrl=" + baseUrl
                + ", apiKey=" + (apiKey.present() ? "****" : "absent") + ", connectTimeout=" + connectTimeout
                + ", options=" + new TreeSet<>(options.keySet()) + "]";
    }
}
