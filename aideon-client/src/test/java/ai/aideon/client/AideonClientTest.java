package ai.aideon.client;

import ai.aideon.client.config.ConfigLoader;
import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.Role;
import ai.aideon.core.route.ChatOutcome;
import ai.aideon.core.route.StreamOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embeddable router: the same routing as the gateway, in-process, no HTTP. */
class AideonClientTest {
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

    private static ChatRequest ask(String model, String text) {
        return ChatRequest.of(model, List.of(ChatMessage.of("user", text)));
    }

    @Test
    void chatRoutesLikeTheGateway() throws Exception {
        ChatOutcome premium = aideon.chat(ask("aideon/text", "Hello there"));
        assertThat(premium.response().firstText()).isNotBlank();
        assertThat(premium.routeHeader()).isEqualTo("local:primary");
        ChatOutcome free = aideon.tier("free").chat(ask("aideon/text", "Hello there"));
        assertThat(free.served().id()).isEqualTo("meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo");
        ChatOutcome critical = aideon.role(Role.CRITICAL).chat(ask("aideon/text", "Hello there"));
        assertThat(critical.served().id()).isEqualTo("meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo");
    }

    @Test
    void streamingDeliversChunksThenReportsTheRoute() throws Exception {
        StringBuilder text = new StringBuilder();
        StreamOutcome out = aideon.stream(ask("aideon/code", "Write a loop"), (ChatChunk c) -> {
            for (ChoiceDelta d : c.choices()) {
                if (d.content() != null) {
                    text.append(d.content());
                }
            }
        });
        assertThat(text.toString()).isNotBlank();
        assertThat(out.served().id()).isEqualTo("aideon-local/qwen2.5-coder-7b");
    }

    @Test
    void failuresCarryTheGatewaysStatusAndCode() {
        assertThatThrownBy(() -> aideon.chat(ask("no/such", "hi"))).isInstanceOf(AideonException.class)
                .satisfies(e -> assertThat(((AideonException) e).status()).isEqualTo(404));
        assertThatThrownBy(() -> aideon.tier("free").chat(ask("meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo", "hi")))
                .isInstanceOf(AideonException.class)
                .satisfies(e -> assertThat(((AideonException) e).status()).isEqualTo(403));
    }

    @Test
    void fallsBackWhenTheLocalEngineIsDown() throws Exception {
        aideon.engine().simulators().get("local").setDown(true);
        try {
            ChatOutcome out = aideon.chat(ask("aideon/text", "anyone home?"));
            assertThat(out.routeHeader()).startsWith("local->together:fallback(");
        } finally {
            aideon.engine().simulators().get("local").setDown(false);
        }
    }
}
