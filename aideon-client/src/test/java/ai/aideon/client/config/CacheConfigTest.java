package ai.aideon.client.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    @Test
    void theDefaultFileTurnsTheExactCacheOnAndTheSemanticCacheOff() throws Exception {
        CacheConfig c = loader.loadDefault().cache();
        assertThat(c).isEqualTo(CacheConfig.defaults());
        assertThat(c.exact().enabled()).isTrue();
        assertThat(c.semantic().enabled()).isFalse();
    }

    @Test
    void aFileWithoutACacheSectionGetsTheDefaults() throws Exception {
        assertThat(loader.parse("server: {port: 0}\n", "t.yaml").cache()).isEqualTo(CacheConfig.defaults());
    }

    @Test
    void everySettingIsRead() throws Exception {
        CacheConfig c = loader.parse("""
                cache:
                  exact: {enabled: false, max_entries: 500, ttl: 30m}
                  semantic: {enabled: true, threshold: 0.95, ttl: 2h, max_entries_per_tenant: 50}
                """, "t.yaml").cache();
        assertThat(c.exact()).isEqualTo(new CacheConfig.Exact(false, 500, Duration.ofMinutes(30)));
        assertThat(c.semantic()).isEqualTo(new CacheConfig.Semantic(true, 0.95, Duration.ofHours(2), 50));
    }

    @Test
    void problemsNameTheLineAndTheFix() {
        assertThatThrownBy(() -> loader.parse("""
                cache:
                  exact: {max_entries: 0, ttl: 0s}
                  semantic:
                    threshold: 0.3
                    max_entries_per_tenant: lots
                  exacct: {}
                """, "t.yaml"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    var problems = ((ConfigException) e).problems();
                    assertThat(problems).anySatisfy(p -> {
                        assertThat(p.line()).isEqualTo(6);
                        assertThat(p.message()).contains("unknown key 'exacct' in cache");
                    });
                    assertThat(problems).anySatisfy(p -> {
                        assertThat(p.line()).isEqualTo(2);
                        assertThat(p.message()).contains("max_entries must be at least 1");
                        assertThat(p.fix()).contains("enabled: false");
                    });
                    assertThat(problems).anySatisfy(p -> {
                        assertThat(p.line()).isEqualTo(2);
                        assertThat(p.message()).contains("ttl must be longer than 0");
                    });
                    assertThat(problems).anySatisfy(p -> {
                        assertThat(p.line()).isEqualTo(4);
                        assertThat(p.message()).contains("threshold must be between 0.5 and 1");
                    });
                    assertThat(problems).anySatisfy(p -> {
                        assertThat(p.line()).isEqualTo(5);
                        assertThat(p.message()).contains("must be a whole number");
                    });
                });
    }
}
