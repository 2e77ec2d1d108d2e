package ai.aideon.providers.local;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class EspeakVoicesTest {
    private static final String LISTING = """
            Pty Language       Age/Gender VoiceName          File                 Other Languages
             2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
             2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
             5  en-us           --/F      us-mbrola-1        mb/mb-us1            (en 8)
             5  de              --/M      German             gmw/de
            """;

    private final EspeakVoices voices = new EspeakVoices(() -> EspeakVoices.parseList(LISTING));

    @Test
    void openAiVoicesHaveFixedEspeakVoices() {
        assertThat(voices.resolve("alloy")).isEqualTo("en-us+m3");
        assertThat(voices.resolve("Nova")).isEqualTo("en-us+f3");
        assertThat(voices.resolve("fable")).isEqualTo("en-gb+m4");
        assertThat(voices.resolve("onyx")).isEqualTo("en-us+m7");
    }

    @Test
    void espeakVoicesAreUsedWhenEspeakHasTheLanguage() {
        assertThat(voices.resolve("de")).isEqualTo("de");
        assertThat(voices.resolve("en-GB+f2")).isEqualTo("en-gb+f2");
        assertThat(voices.resolve("gmw/en-US")).isEqualTo("gmw/en-us");
    }

    @Test
    void anythingElseGetsTheDefault() {
        assertThat(voices.resolve(null)).isEqualTo(EspeakVoices.DEFAULT);
        assertThat(voices.resolve("")).isEqualTo(EspeakVoices.DEFAULT);
        assertThat(voices.resolve("marin")).as("a future OpenAI voice").isEqualTo(EspeakVoices.DEFAULT);
        assertThat(voices.resolve("xx")).isEqualTo(EspeakVoices.DEFAULT);
        assertThat(voices.resolve("--stdout")).isEqualTo(EspeakVoices.DEFAULT);
        assertThat(voices.resolve("en; rm -rf /")).isEqualTo(EspeakVoices.DEFAULT);
        assertThat(voices.resolve("mb/mb-us1")).as("MBROLA needs extra packages").isEqualTo(EspeakVoices.DEFAULT);
    }

    @Test
    void espeakIsAskedForItsVoicesOnlyWhenAClientNamesOne() {
        AtomicInteger asked = new AtomicInteger();
        EspeakVoices counting = new EspeakVoices(() -> {
            asked.incrementAndGet();
            return Set.of("en-us");
        });
        counting.resolve("alloy");
        assertThat(asked).hasValue(0);
        counting.resolve("en-us+f1");
        counting.resolve("en-us+f2");
        assertThat(asked).hasValue(1);
    }
}
