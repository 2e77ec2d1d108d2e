package ai.aideon.providers.ollama;

import ai.aideon.core.api.Modality;
import ai.aideon.core.catalog.Capability;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.engine.DiscoveredModel;
import ai.aideon.providers.engine.EngineEndpoints;
import ai.aideon.providers.engine.EngineType;
import ai.aideon.providers.engine.LocalEngine;
import ai.aideon.providers.engine.ProbeResult;
import ai.aideon.providers.http.HttpAnswer;
import ai.aideon.providers.http.Json;
import ai.aideon.providers.ollama.wire.OllamaModelReader;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ollama's health and models: {@code GET /api/version} as the probe (the cheapest answer a running server gives),
 * {@code GET /api/tags} for the installed models and {@code POST /api/show} for each one's details.
 *
 * <p>Context window: the Modelfile's {@code num_ctx} when it sets one (that is what Ollama runs the model with),
 * else the trained {@code <architecture>.context_length}; with the provider option {@code num_ctx: <n>} (sent with
 * every request) the smaller of that and the model's own. Modality and capabilities come from {@code capabilities}:
 * {@code embedding} makes an embeddings model, {@code vision} and {@code tools} become capabilities; a server too
 * old to report capabilities gets the plain guess (a name or family with "embed"/"bert" is an embeddings model).
 *
 * <p>{@code /api/show} is asked again only when a model's digest changes (a new pull), not on every poll.
 */
public final class OllamaEngine implements LocalEngine {
    private final String name;
    private final EngineEndpoints endpoints;
    private final Integer requestNumCtx;
    /** name@digest → details already asked for; a new pull changes the digest. */
    private final Map<String, OllamaModelReader.Show> shown = new ConcurrentHashMap<>();

    public OllamaEngine(ProviderSettings settings, Clock clock) {
        this.name = settings.name();
        this.endpoints = new EngineEndpoints(settings, clock);
        String numCtx = settings.option("num_ctx", "").strip();
        this.requestNumCtx = numCtx.matches("[1-9][0-9]{0,8}") ? Integer.valueOf(numCtx) : null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EngineType type() {
        return EngineType.OLLAMA;
    }

    @Override
    public ProbeResult probe() {
        try {
            HttpAnswer a = endpoints.get("/api/version");
            if (!a.ok()) {
                return ProbeResult.down(endpoints.describe(a));
            }
            JsonNode v = Json.MAPPER.readTree(a.body());
            String version = v == null ? null : Json.text(v, "version");
            return ProbeResult.up(version == null ? null : "ollama " + version);
        } catch (ProviderException e) {
            return EngineEndpoints.unreachable(e);
        } catch (java.io.IOException e) {
            return ProbeResult.down("/api/version is not JSON");
        }
    }

    @Override
    public List<DiscoveredModel> discover() throws ProviderException {
        List<DiscoveredModel> out = new ArrayList<>();
        for (OllamaModelReader.Tag tag : OllamaModelReader.tags(endpoints.getJson("/api/tags"))) {
            String key = tag.name() + "@" + tag.digest();
            OllamaModelReader.Show show = shown.get(key);
            if (show == null) {
                try {
                    show = OllamaModelReader.show(endpoints.postJson("/api/show",
                            Json.write(g -> {
                                g.writeStartObject();
                                g.writeStringField("model", tag.name());
                                g.writeEndObject();
                            })));
                } catch (ProviderException e) {
                    if (e.kind() == ProviderException.Kind.NOT_FOUND) {
                        continue; // deleted between the two calls
                    }
                    throw e;
                }
                shown.put(key, show);
            }
            out.add(model(tag.name(), show));
        }
        return out;
    }

    private DiscoveredModel model(String tag, OllamaModelReader.Show show) {
        boolean embedding = show.capabilities() != null ? show.capabilities().contains("embedding")
                && !show.capabilities().contains("completion") : looksLikeEmbedding(tag, show.family());
        int window = show.numCtx() != null ? show.numCtx() : show.trainedContext();
        if (requestNumCtx != null && (window == 0 || requestNumCtx < window)) {
            window = requestNumCtx;
        }
        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        if (!embedding) {
            caps.add(Capability.STREAMING);
            caps.add(Capability.JSON); // "format": "json" or a schema works with every chat model
            if (show.capabilities() != null && show.capabilities().contains("tools")) {
                caps.add(Capability.TOOLS);
            }
            if (show.capabilities() != null && show.capabilities().contains("vision")) {
                caps.add(Capability.VISION);
            }
        }
        return new DiscoveredModel(tag, tag, embedding ? Modality.EMBED : Modality.TEXT, window, caps);
    }

    private static boolean looksLikeEmbedding(String tag, String family) {
        String t = tag.toLowerCase(Locale.ROOT);
        String f = family == null ? "" : family.toLowerCase(Locale.ROOT);
        return t.contains("embed") || f.contains("bert");
    }

    /** Ollama treats a name without a tag as {@code :latest}. */
    @Override
    public String canonicalModelId(String id) {
        return id.indexOf(':') < 0 ? id + ":latest" : id;
    }
}
