package ai.aideon.client;

import ai.aideon.core.api.Modality;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Source;
import ai.aideon.core.catalog.Capability;
import ai.aideon.core.catalog.Catalog;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Price;
import ai.aideon.core.catalog.Route;
import ai.aideon.core.catalog.RouteEntry;
import ai.aideon.providers.engine.DiscoveredModel;
import ai.aideon.providers.engine.EngineType;
import ai.aideon.providers.engine.LocalEngine;
import ai.aideon.providers.engine.ProbeResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogMergeTest {
    /** Only canonicalModelId matters to the merge; Ollama's rule is the interesting one. */
    static final LocalEngine OLLAMA_RULES = new LocalEngine() {
        public String name() {
            return "ollama";
        }

        public EngineType type() {
            return EngineType.OLLAMA;
        }

        public ProbeResult probe() {
            throw new UnsupportedOperationException("the merge never probes");
        }

        public List<DiscoveredModel> discover() {
            throw new UnsupportedOperationException("the merge never discovers");
        }

        public String canonicalModelId(String id) {
            return id.contains(":") ? id : id + ":latest";
        }
    };

    static final ModelSpec DECLARED_LLAVA = new ModelSpec("aideon-local/llava", "ollama", "llava", Modality.VISION,
            Source.LOCAL, Set.of(Capability.VISION), 0, Price.perMTokens("0.01", "0.01"), Set.of("premium"), "mine");
    static final ModelSpec HAND_WRITTEN = new ModelSpec("ollama/qwen3:8b", "ollama", "qwen3:8b-q8", Modality.TEXT,
            Source.LOCAL, Set.of(), 4096, Price.FREE, Set.of("premium"), "hand-written");
    static final ModelSpec CLOUD = new ModelSpec("meta-llama/Llama-3.3-70B", "together", "meta-llama/Llama-3.3-70B",
            Modality.TEXT, Source.CLOUD, Set.of(), 131072, Price.perMTokens("0.88", "0.88"), Set.of("free"), null);

    static DiscoveredModel listed(String id, int window) {
        return new DiscoveredModel(id, id, Modality.TEXT, window, Set.of(Capability.STREAMING));
    }

    @Test
    void configuredModelsWinDiscoveredOnesJoinAsProviderSlashModel() {
        Route home = new Route("aideon/home", Modality.TEXT, "", Map.of("free", List.of(
                new RouteEntry("ollama/llama3.2:3b", Role.PRIMARY), new RouteEntry(CLOUD.id(), Role.FALLBACK))));
        Catalog configured = new Catalog(List.of(DECLARED_LLAVA, HAND_WRITTEN, CLOUD), List.of(home), Set.of("ollama"));

        CatalogMerge.Result r = CatalogMerge.merge(configured, List.of(new CatalogMerge.EngineModels("ollama",
                "ollama", OLLAMA_RULES, Source.LOCAL, Set.of("free", "premium"), List.of(
                listed("llava:latest", 32768), listed("llama3.2:3b", 131072), listed("qwen3:8b", 40960)))));

        Catalog merged = r.catalog();
        // The declared llava keeps its id, tiers and price; only its blank window is filled in.
        ModelSpec llava = merged.model("aideon-local/llava").orElseThrow();
        assertThat(llava.contextWindow()).isEqualTo(32768);
        assertThat(llava.tiers()).containsExactly("premium");
        assertThat(llava.price()).isEqualTo(DECLARED_LLAVA.price());
        assertThat(merged.model("ollama/llava:latest")).as("not listed twice").isEmpty();
        // A hand-written ollama/qwen3:8b for another upstream keeps the id; the discovered one is left out.
        assertThat(merged.model("ollama/qwen3:8b").orElseThrow().upstreamId()).isEqualTo("qwen3:8b-q8");
        // New ones: free, local, the discovery tiers, the engine's window.
        ModelSpec llama = merged.model("ollama/llama3.2:3b").orElseThrow();
        assertThat(llama.price().isFree()).isTrue();
        assertThat(llama.source()).isEqualTo(Source.LOCAL);
        assertThat(llama.tiers()).containsExactlyInAnyOrder("free", "premium");
        assertThat(llama.contextWindow()).isEqualTo(131072);
        assertThat(llama.description()).isEqualTo("discovered on ollama (ollama)");
        assertThat(r.discoveredIds()).containsExactly(Map.entry("ollama", List.of("ollama/llama3.2:3b")));
        // Routes are the configured ones, now resolving the discovered entry.
        assertThat(merged.route("aideon/home")).isPresent();
        assertThat(merged.models()).extracting(ModelSpec::id).containsExactly(DECLARED_LLAVA.id(), HAND_WRITTEN.id(),
                CLOUD.id(), "ollama/llama3.2:3b");
    }

    @Test
    void aDeclaredWindowIsNeverOverwritten() {
        ModelSpec declared = new ModelSpec("local/llama", "ollama", "llama3.2:3b", Modality.TEXT, Source.LOCAL,
                Set.of(), 8192, Price.FREE, Set.of("free"), null);
        Catalog merged = CatalogMerge.merge(new Catalog(List.of(declared), List.of(), Set.of("ollama")), List.of(
                new CatalogMerge.EngineModels("ollama", "ollama", OLLAMA_RULES, Source.LOCAL, Set.of("free"),
                        List.of(listed("llama3.2:3b", 131072))))).catalog();
        assertThat(merged.model("local/llama").orElseThrow().contextWindow()).isEqualTo(8192);
        assertThat(merged.models()).hasSize(1);
    }

    @Test
    void discoveryTiersDefaultToEveryConfiguredTier() {
        assertThat(CatalogMerge.tiers(Set.of(), Set.of("free", "premium", "team"))).containsExactlyInAnyOrder(
                "free", "premium", "team");
        assertThat(CatalogMerge.tiers(Set.of("team"), Set.of("free", "team"))).containsExactly("team");
        assertThat(CatalogMerge.tiers(Set.of(), Set.of())).containsExactlyInAnyOrder("free", "premium");
    }
}
