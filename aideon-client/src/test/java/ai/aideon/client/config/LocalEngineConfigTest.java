package ai.aideon.client.config;

import ai.aideon.core.api.Source;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class LocalEngineConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    private AideonConfig parse(String yaml) throws ConfigException {
        return loader.parse(yaml, "engines.yaml");
    }

    private List<ConfigProblem> problems(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> parse(yaml)).problems();
    }

    @Test
    void localEnginesAreLocalDiscoverByDefaultAndTheirBaseUrlIsTheServerRoot() throws Exception {
        AideonConfig cfg = parse("""
                providers:
                  ollama: {type: ollama, base_url: "http://127.0.0.1:11434/"}
                  gpu: {type: vllm, base_url: "http://10.0.0.5:8000/v1", discover_tiers: [premium], probe_interval: 5s}
                  llama: {type: llamacpp, base_url: "http://127.0.0.1:8080", discover: false}
                  whisper: {type: whisper-cpp, base_url: "http://127.0.0.1:8081"}
                  compat: {type: ollama, api: openai, base_url: "http://127.0.0.1:11435"}
                models:
                  - {id: whisper/base.en, provider: whisper, upstream_id: ggml-base.en, modality: stt, tiers: [free]}
                routes:
                  - alias: aideon/home
                    modality: text
                    plans:
                      premium: [{model: ollama/qwen3:8b}, {model: gpu/Qwen/Qwen2.5-7B-Instruct}]
                """);
        ProviderConfig ollama = cfg.providers().get("ollama");
        assertThat(ollama.settings().source()).isEqualTo(Source.LOCAL);
        assertThat(ollama.settings().baseUrl()).hasToString("http://127.0.0.1:11434");
        assertThat(ollama.discovers()).isTrue();
        assertThat(ollama.engine().probeInterval()).isEqualTo(LocalEngineConfig.DEFAULT_PROBE_INTERVAL);
        assertThat(ollama.engine().discoverTiers()).isEmpty();

        ProviderConfig gpu = cfg.providers().get("gpu");
        assertThat(gpu.settings().baseUrl()).hasToString("http://10.0.0.5:8000");
        assertThat(gpu.engine().discoverTiers()).containsExactly("premium");
        assertThat(gpu.engine().probeInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cfg.providers().get("llama").discovers()).isFalse();
        assertThat(cfg.providers().get("whisper").discovers()).as("whisper.cpp has no model list").isFalse();
        assertThat(cfg.providers().get("compat").settings().option("api", "native")).isEqualTo("openai");
        AideonConfig defaults = loader.loadDefault();
        assertThat(defaults.providers().get("together").engine()).isNull();
        assertThat(defaults.providers().get("local").discovers()).as("the default Ollama provider discovers").isTrue();

        // Routes may name discovered models before any engine has listed them.
        assertThat(cfg.catalog().discoveryNamespaces()).containsExactlyInAnyOrder("ollama", "gpu", "compat");
        assertThat(cfg.catalog().route("aideon/home").orElseThrow().planFor("premium")).hasSize(2);
        assertThat(cfg.catalog().model("ollama/qwen3:8b")).isEmpty();
    }

    @Test
    void inProcessEnginesAreLocalWithoutSayingSo() throws Exception {
        AideonConfig cfg = parse("""
                providers:
                  embed: {type: onnx}
                  speech: {type: espeak}
                  stt: {type: pocketsphinx}
                  sim: {type: simulator}
                models:
                  - {id: local/minilm, provider: embed, upstream_id: all-MiniLM-L6-v2, modality: embed, tiers: [free]}
                routes:
                  - alias: aideon/embed
                    modality: embed
                    plans:
                      free: [{model: local/minilm}]
                """);
        for (String name : List.of("embed", "speech", "stt")) {
            assertThat(cfg.providers().get(name).settings().source()).as(name).isEqualTo(Source.LOCAL);
        }
        // x-aideon-source, the ledger and local_only routing read the model's source, inherited from its provider
        assertThat(cfg.catalog().model("local/minilm").orElseThrow().source()).isEqualTo(Source.LOCAL);
        assertThat(cfg.providers().get("sim").settings().source()).as("a simulator stands in for either")
                .isEqualTo(Source.CLOUD);
    }

    @Test
    void badEngineSettingsAreReportedWithTheirLinesAndAFix() {
        List<ConfigProblem> problems = problems("""
                providers:
                  whisper:
                    type: whisper-cpp
                    base_url: http://127.0.0.1:8081
                    discover: true
                  llama:
                    type: llamacpp
                    base_url: http://127.0.0.1:8080
                    api: openai
                    probe_interval: 100ms
                  ollama:
                    type: ollama
                    base_url: http://127.0.0.1:11434
                    api: grpc
                    discover_tiers: [gold]
                  together:
                    type: together
                    base_url: https://api.together.xyz/v1
                    discover: true
                  vllm:
                    type: vllm
                models:
                  - {id: ollama/llama3, provider: together, modality: text, tiers: [free]}
                routes:
                  - alias: aideon/x
                    plans:
                      free: [{model: nope/unknown-model}]
                """);
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).contains("has no model list to discover");
            assertThat(p.fix()).contains("models:");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(9);
            assertThat(p.message()).contains("'api' is for ollama providers only");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(10);
            assertThat(p.message()).contains("probe_interval must be at least 1s");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(14);
            assertThat(p.message()).contains("api must be native or openai");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(15);
            assertThat(p.message()).contains("discover_tiers names unknown tier 'gold'");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(19);
            assertThat(p.message()).contains("'discover' is for local engines");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(21);
            assertThat(p.message()).contains("provider 'vllm' needs base_url");
            assertThat(p.fix()).contains("8000");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(23);
            assertThat(p.message()).contains("lies in the namespace of provider 'ollama'");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(27);
            assertThat(p.message()).as("no provider 'nope' discovers, so that namespace is not open")
                    .contains("names unknown model 'nope/unknown-model'");
        });
    }

    @Test
    void aRouteMayNotOfferADiscoveredModelBeyondItsTiersOrUnderASecondId() {
        List<ConfigProblem> problems = problems("""
                providers:
                  gpu: {type: vllm, base_url: "http://127.0.0.1:8000", discover_tiers: [premium]}
                  ollama: {type: ollama, base_url: "http://127.0.0.1:11434"}
                models:
                  - {id: mine/llava, provider: ollama, upstream_id: llava, modality: vision, tiers: [free]}
                routes:
                  - alias: aideon/x
                    plans:
                      free: [{model: gpu/Qwen/Qwen2.5-7B-Instruct}, {model: ollama/llava:latest}]
                """);
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(9);
            assertThat(p.message()).contains("offers discovered model 'gpu/Qwen/Qwen2.5-7B-Instruct' to tier 'free'");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.message()).contains("names 'ollama/llava:latest', which is declared as 'mine/llava'");
            assertThat(p.fix()).contains("model: mine/llava");
        });
    }

    @Test
    void aProviderNameWithASlashIsRefused() {
        assertThat(problems("""
                providers:
                  my/engine: {type: ollama, base_url: "http://127.0.0.1:11434"}
                """)).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("contains '/'");
        });
    }
}
