package ai.aideon.client;

import ai.aideon.client.config.ConfigLoader;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.route.ChatOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded router uses the same exact cache as the gateway. */
class AideonClientCacheTest {
    static AideonClient aideon;

    @BeforeAll
    static void start() throws Exception {
        var config = DemoMode.apply(ConfigLoader.withSystemEnv().loadDefault(), Duration.ZERO, Duration.ZERO);
        aideon = AideonClient.of(config.withStore(DemoMode.temporaryStore(config)));
    }

    @AfterAll
    static void stop() {
        aideon.close();
    }

    private static ChatRequest ask(String text, Double temperature) {
        return new ChatRequest("aideon/text", List.of(ChatMessage.of("user", text)), false, false, null, temperature,
                null, null, null, 1, null, null, null, null, null, null, false);
    }

    @Test
    void aDeterministicRepeatIsServedFromTheCache() throws Exception {
        ChatOutcome first = aideon.chat(ask("Name three rivers", 0.0));
        assertThat(first.routeHeader()).isEqualTo("local:primary");
        ChatOutcome again = aideon.chat(ask("Name three rivers", 0.0));
        assertThat(again.routeHeader()).isEqualTo("cache:exact");
        assertThat(again.attempts()).isEmpty();
        assertThat(again.served().id()).isEqualTo(first.served().id());
        assertThat(again.response().firstText()).isEqualTo(first.response().firstText());

        assertThat(aideon.tier("free").chat(ask("Name three rivers", 0.0)).routeHeader())
                .as("another tier routes elsewhere, so it is another entry").doesNotStartWith("cache:");
    }

    @Test
    void samplingRequestsAreNeverCached() throws Exception {
        aideon.chat(ask("Name three lakes", 0.9));
        assertThat(aideon.chat(ask("Name three lakes", 0.9)).routeHeader()).isEqualTo("local:primary");
    }
}
