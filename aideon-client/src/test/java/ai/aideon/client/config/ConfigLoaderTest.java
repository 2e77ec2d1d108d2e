package ai.aideon.client.config;

import ai.aideon.core.api.Modality;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Source;
import ai.aideon.core.catalog.ModelSpec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("TOGETHER_API_KEY", "tg-key-123")::get);

    @Test
    void theDefaultConfigCarriesThePlansFullCatalog() throws Exception {
        AideonConfig cfg = loader.loadDefault();
        var catalog = cfg.catalog();
        assertThat(catalog.models()).hasSize(26);
        ModelSpec llama8b = catalog.model("meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo").orElseThrow();
        assertThat(llama8b.contextWindow()).isEqualTo(8192);
        assertThat(llama8b.tiers()).containsExactlyInAnyOrder("free", "premium");
        assertThat(llama8b.price().inputPerMTokens()).isEqualByComparingTo(new BigDecimal("0.18"));
        assertThat(catalog.model("meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo").orElseThrow().tiers())
                .containsExactly("premium");
        assertThat(catalog.model("stabilityai/sdxl-turbo").orElseThrow().modality()).isEqualTo(Modality.IMAGE);
        assertThat(catalog.model("openai/whisper-large-v3").orElseThrow().price().perAudioSecond()).isPositive();
        assertThat(catalog.model("aideon-local/llama3.1-8b").orElseThrow().source()).isEqualTo(Source.LOCAL);
        var text = catalog.route("aideon/text").orElseThrow();
        assertThat(text.planFor("premium").get(0).modelId()).isEqualTo("aideon-local/llama3.1-8b");
        assertThat(text.planFor("free").get(0).modelId()).isEqualTo("meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo");
        assertThat(text.planFor("premium")).anyMatch(e -> e.role() == Role.CRITICAL);
        assertThat(catalog.route("aideon/code").orElseThrow().planFor("premium")).anyMatch(e -> e.role() == Role.COMPLEX);
        assertThat(catalog.route("aideon/vision").orElseThrow().planFor("premium")).anyMatch(e -> e.role() == Role.SPECIALIZED);
        for (String alias : new String[]{"aideon/image", "aideon/tts", "aideon/stt", "aideon/embed", "aideon/video"}) {
            assertThat(catalog.route(alias)).as(alias).isPresent();
        }
        assertThat(cfg.providers().get("together").enabled()).isTrue();
        assertThat(cfg.providers().get("together").settings().apiKey().reveal()).isEqualTo("tg-key-123");
    }

    @Test
    void withoutATogetherKeyTheProviderIsOffAndSaysWhy() throws Exception {
        AideonConfig cfg = new ConfigLoader(k -> null).loadDefault();
        ProviderConfig together = cfg.providers().get("together");
        assertThat(together.enabled()).isFalse();
        assertThat(together.disabledReason()).contains("no API key");
    }

    @Test
    void environmentReferencesAndDefaultsAreResolved() throws Exception {
        AideonConfig cfg = new ConfigLoader(Map.of("PORT", "9999")::get).parse("""
                server: {port: "${PORT}", host: "${HOST:-0.0.0.0}"}
                executor: {call_timeout: 45s, base_backoff: 250ms}
                """, "t.yaml");
        assertThat(cfg.server().port()).isEqualTo(9999);
        assertThat(cfg.server().host()).isEqualTo("0.0.0.0");
        assertThat(cfg.executor().callTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(cfg.executor().baseBackoff()).isEqualTo(Duration.ofMillis(250));
        // sections the file leaves out come from the default
        assertThat(cfg.catalog().route("aideon/text")).isPresent();
    }

    @Test
    void problemsNameTheLineAndTheFix() {
        String yaml = """
                server:
                  port: 8080
                  colour: blue
                providers:
                  local: {type: olama, base_url: "http://127.0.0.1:11434"}
                models:
                  - id: m1
                    provider: nowhere
                    modality: text
                    tiers: [free]
                  - id: m2
                    provider: local
                    modality: text
                    context: lots
                    tiers: [free]
                routes:
                  - alias: aideon/text
                    plans:
                      free: [{model: ghost, role: primary}, {model: m2, role: boss}]
                clients:
                  - {key: "${MISSING_KEY}", tier: free}
                """;
        assertThatThrownBy(() -> loader.parse(yaml, "bad.yaml"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    var problems = ((ConfigException) e).problems();
                    assertThat(problems).anySatisfy(p -> {
                        assertThat(p.line()).isEqualTo(3);
                        assertThat(p.message()).contains("unknown key 'colour'");
                        assertThat(p.fix()).contains("port");
                    });
                    assertThat(problems).anySatisfy(p -> {
                        assertThat(p.line()).isEqualTo(5);
                        assertThat(p.message()).contains("unknown provider type 'olama'");
                        assertThat(p.fix()).contains("ollama");
                    });
                    assertThat(problems).anySatisfy(p -> {
                        assertThat(p.line()).isEqualTo(8);
                        assertThat(p.message()).contains("provider 'nowhere'");
                    });
                    assertThat(problems).anySatisfy(p -> {
                        assertThat(p.line()).isEqualTo(14);
                        assertThat(p.message()).contains("whole number");
                    });
                    assertThat(problems).anySatisfy(p -> {
                        assertThat(p.line()).isEqualTo(19);
                        assertThat(p.message()).contains("unknown model 'ghost'");
                    });
                    assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("unknown role 'boss'"));
                    assertThat(problems).anySatisfy(p -> {
                        assertThat(p.line()).isEqualTo(21);
                        assertThat(p.message()).contains("MISSING_KEY is not set");
                    });
                    assertThat(e.getMessage()).contains("bad.yaml:3:");
                });
    }

    @Test
    void brokenYamlSyntaxPointsAtTheLine() {
        assertThatThrownBy(() -> loader.parse("server:\n  port: 8080\n   host: x\n", "broken.yaml"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    ConfigProblem p = ((ConfigException) e).problems().get(0);
                    assertThat(p.line()).isEqualTo(3);
                    assertThat(p.message()).startsWith("not valid YAML");
                    assertThat(p.fix()).contains("indentation");
                });
    }

    @Test
    void aRouteMayNotOfferAModelToATierTheModelDoesNotAllow() {
        String yaml = """
                providers:
                  local: {type: ollama, base_url: "http://127.0.0.1:11434"}
                models:
                  - {id: m, provider: local, modality: text, tiers: [premium]}
                routes:
                  - alias: r
                    plans:
                      free: [{model: m}]
                """;
        assertThatThrownBy(() -> loader.parse(yaml, "t.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.yaml:8").hasMessageContaining("tier 'free'");
    }

    @Test
    void keysNeverShowInToString() throws Exception {
        AideonConfig cfg = loader.parse("""
                clients:
                  - {name: app, key: sk-super-secret-1, tier: premium}
                """, "t.yaml");
        assertThat(cfg.clients().toString()).doesNotContain("sk-super-secret-1");
        assertThat(cfg.providers().toString()).doesNotContain("tg-key-123");
    }
}
