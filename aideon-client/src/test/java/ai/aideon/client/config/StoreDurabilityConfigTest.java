package ai.aideon.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.aideon.store.Durability;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreDurabilityConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    @Test
    void givenNoDurabilityThenTheStoreCommitsToTheOperatingSystem() throws Exception {
        assertThat(loader.parse("store: sqlite:x.db\n", "t.yaml").store().durability()).isEqualTo(Durability.OS);
        assertThat(loader.parse("store: {url: sqlite:x.db}\n", "t.yaml").store().durability())
                .isEqualTo(Durability.OS);
    }

    @Test
    void givenFsyncThenEveryCommitIsFlushedToDisk() throws Exception {
        StoreConfig store = loader.parse("store: {url: sqlite:x.db, durability: FSync}\n", "t.yaml").store();

        assertThat(store.durability()).isEqualTo(Durability.FSYNC);
        assertThat(store.location()).isEqualTo("sqlite:x.db");
        assertThat(store.toString()).contains("durability=fsync");
    }

    @Test
    void givenAnUnknownDurabilityThenTheProblemNamesTheLineAndBothChoices() {
        assertThatThrownBy(() -> loader.parse("""
                store:
                  url: sqlite:x.db
                  durability: paranoid
                """, "t.yaml"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(p -> {
                    assertThat(p.line()).isEqualTo(3);
                    assertThat(p.message()).contains("'paranoid'");
                    assertThat(p.fix()).contains("durability: os").contains("durability: fsync");
                }));
    }
}
