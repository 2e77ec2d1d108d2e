package ai.aideon.providers.engine;

import ai.aideon.core.api.Modality;
import ai.aideon.core.api.Source;
import ai.aideon.core.catalog.Capability;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.route.EngineState;
import ai.aideon.providers.ProviderFactory;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.Secret;
import ai.aideon.testkit.Fault;
import ai.aideon.testkit.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Health probes and model discovery of each local engine type, against the testkit's faithful fakes. */
class LocalEngineDiscoveryTest {
    final List<FakeUpstream> fakes = new ArrayList<>();

    @AfterEach
    void stop() {
        fakes.forEach(FakeUpstream::close);
    }

    FakeUpstream started(FakeUpstream f) {
        fakes.add(f.start());
        return f;
    }

    static LocalEngine engine(String type, String baseUrl, Map<String, String> options) {
        return ProviderFactory.localEngine(new ProviderSettings("eng", type, Source.LOCAL, URI.create(baseUrl),
                Secret.absent(), Duration.ofSeconds(2), options), Clock.systemUTC()).orElseThrow();
    }

    @Test
    void ollamaListsTagsWithContextFromShowAndAsksShowOnlyOncePerDigest() throws Exception {
        FakeUpstream ollama = started(FakeUpstream.ollama().models("llama3.2:3b", "nomic-embed-text", "llava:7b",
                "qwen3:8b").contextWindow("llama3.2:3b", 131072).contextWindow("nomic-embed-text", 2048)
                .modelfileNumCtx("qwen3:8b", 8192));
        LocalEngine engine = engine("ollama", ollama.baseUrl(), Map.of());

        ProbeResult probe = engine.probe();
        assertThat(probe.state()).isEqualTo(EngineState.UP);
        assertThat(probe.detail()).startsWith("ollama ");

        List<DiscoveredModel> models = engine.discover();
        assertThat(models).extracting(DiscoveredModel::upstreamId)
                .containsExactly("llama3.2:3b", "nomic-embed-text:latest", "llava:7b", "qwen3:8b");
        DiscoveredModel llama = models.get(0);
        assertThat(llama.modality()).isEqualTo(Modality.TEXT);
        assertThat(llama.contextWindow()).isEqualTo(131072);
        assertThat(llama.capabilities()).contains(Capability.TOOLS, Capability.STREAMING, Capability.JSON)
                .doesNotContain(Capability.VISION);
        assertThat(models.get(1).modality()).isEqualTo(Modality.EMBED);
        assertThat(models.get(1).contextWindow()).isEqualTo(2048);
        assertThat(models.get(2).capabilities()).contains(Capability.VISION).doesNotContain(Capability.TOOLS);
        assertThat(models.get(3).contextWindow()).as("the Modelfile's num_ctx is what Ollama runs with")
                .isEqualTo(8192);

        long showsBefore = ollama.requests().stream().filter(r -> r.path().equals("/api/show")).count();
        assertThat(engine.discover()).isEqualTo(models);
        long showsAfter = ollama.requests().stream().filter(r -> r.path().equals("/api/show")).count();
        assertThat(showsAfter).as("unchanged digests are not shown again").isEqualTo(showsBefore);
        assertThat(engine.canonicalModelId("llava")).isEqualTo("llava:latest");
    }

    @Test
    void ollamasFixedNumCtxOptionCapsTheDiscoveredWindow() throws Exception {
        FakeUpstream ollama = started(FakeUpstream.ollama().models("llama3.2:3b").contextWindow("llama3.2:3b", 131072));
        LocalEngine engine = engine("ollama", ollama.baseUrl(), Map.of("num_ctx", "4096"));
        assertThat(engine.discover().get(0).contextWindow()).isEqualTo(4096);
    }

    @Test
    void llamaCppTakesThePerSlotWindowFromPropsAndNamesAPathByItsFile() throws Exception {
        FakeUpstream llama = started(FakeUpstream.llamaCpp().models("/srv/models/Qwen2.5-7B-Q4_K_M.gguf")
                .contextWindow("/srv/models/Qwen2.5-7B-Q4_K_M.gguf", 8192));
        LocalEngine engine = engine("llamacpp", llama.baseUrl() + "/v1", Map.of());

        assertThat(engine.probe().state()).isEqualTo(EngineState.UP);
        List<DiscoveredModel> models = engine.discover();
        assertThat(models).hasSize(1);
        DiscoveredModel m = models.get(0);
        assertThat(m.upstreamId()).isEqualTo("/srv/models/Qwen2.5-7B-Q4_K_M.gguf");
        assertThat(m.catalogName()).isEqualTo("Qwen2.5-7B-Q4_K_M.gguf");
        assertThat(m.contextWindow()).as("n_ctx from /props, not n_ctx_train").isEqualTo(8192);
        assertThat(m.capabilities()).contains(Capability.TOOLS, Capability.STREAMING);
    }

    @Test
    void llamaCppLoadingIsLoadingAndAStoppedServerIsDown() {
        FakeUpstream llama = started(FakeUpstream.llamaCpp());
        LocalEngine engine = engine("llamacpp", llama.baseUrl(), Map.of());

        llama.loading(true);
        assertThat(engine.probe()).isEqualTo(new ProbeResult(EngineState.LOADING, "HTTP 503: Loading model"));
        ProviderException whileLoading = catchThrowableOfType(ProviderException.class, engine::discover);
        assertThat(whileLoading.kind()).isEqualTo(ProviderException.Kind.OVERLOADED);

        llama.loading(false);
        llama.stop();
        ProbeResult down = engine.probe();
        assertThat(down.state()).isEqualTo(EngineState.DOWN);
        // The pooled connection died with the server; the retry on a new one is what is refused.
        assertThat(down.detail()).contains("connection refused");

        llama.restart();
        assertThat(engine.probe().state()).isEqualTo(EngineState.UP);
    }

    @Test
    void aSlowEngineIsDownOnceTheProbeTimesOut() {
        FakeUpstream llama = started(FakeUpstream.llamaCpp());
        llama.faults().next(Fault.delayFirstByte(EngineEndpoints.PROBE_TIMEOUT.plusSeconds(2)));
        ProbeResult slow = engine("llamacpp", llama.baseUrl(), Map.of()).probe();
        assertThat(slow.state()).isEqualTo(EngineState.DOWN);
        assertThat(slow.detail()).contains("timed out");
    }

    @Test
    void vllmReadsMaxModelLenForEveryServedModel() throws Exception {
        FakeUpstream vllm = started(FakeUpstream.vllm().models("Qwen/Qwen2.5-7B-Instruct", "sql-lora")
                .contextWindow("Qwen/Qwen2.5-7B-Instruct", 32768).contextWindow("sql-lora", 32768));
        LocalEngine engine = engine("vllm", vllm.baseUrl(), Map.of());

        assertThat(engine.probe().state()).isEqualTo(EngineState.UP);
        assertThat(engine.discover()).containsExactly(
                new DiscoveredModel("Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B-Instruct", Modality.TEXT, 32768,
                        java.util.Set.of(Capability.STREAMING, Capability.JSON)),
                new DiscoveredModel("sql-lora", "sql-lora", Modality.TEXT, 32768,
                        java.util.Set.of(Capability.STREAMING, Capability.JSON)));

        vllm.faults().next(Fault.serverError());
        assertThat(engine.probe()).isEqualTo(new ProbeResult(EngineState.DOWN,
                "HTTP 500: The server had an error while processing your request. Sorry about that!"));
    }

    @Test
    void whisperCppIsLoadingWhileItLoadsAndAnOlderBuildWithoutHealthCountsAsUpWhenItAnswers() {
        FakeUpstream whisper = started(FakeUpstream.whisperCpp());
        LocalEngine engine = engine("whisper-cpp", whisper.baseUrl(), Map.of());
        assertThat(engine.type().discovers()).isFalse();
        assertThat(engine.probe().state()).isEqualTo(EngineState.UP);
        whisper.loading(true);
        assertThat(engine.probe()).isEqualTo(new ProbeResult(EngineState.LOADING, "HTTP 503: loading model"));
        whisper.loading(false);

        // Ollama stands in for a server that has no /health but answers its index page.
        FakeUpstream noHealth = started(FakeUpstream.ollama());
        ProbeResult old = engine("whisper-cpp", noHealth.baseUrl(), Map.of()).probe();
        assertThat(old.state()).isEqualTo(EngineState.UP);
        assertThat(old.detail()).contains("no /health");
    }

    @Test
    void theRootOfABaseUrlDropsSlashesAndV1ButKeepsAProxyPrefix() {
        assertThat(EngineEndpoints.rootOf(URI.create("http://127.0.0.1:8080/v1/"))).isEqualTo("http://127.0.0.1:8080");
        assertThat(EngineEndpoints.rootOf(URI.create("http://127.0.0.1:8080"))).isEqualTo("http://127.0.0.1:8080");
        assertThat(EngineEndpoints.rootOf(URI.create("http://h/llama/v1"))).isEqualTo("http://h/llama");
        assertThat(ProviderFactory.localEngine(new ProviderSettings("t", "together", Source.CLOUD,
                URI.create("https://api.together.xyz/v1"), Secret.absent(), null, null), Clock.systemUTC())).isEmpty();
    }
}
