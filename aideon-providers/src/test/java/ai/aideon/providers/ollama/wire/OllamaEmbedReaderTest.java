package ai.aideon.providers.ollama.wire;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OllamaEmbedReaderTest {

    private static OllamaEmbedReader.Parsed read(String json, int inputs) throws IOException {
        return OllamaEmbedReader.read(json.getBytes(StandardCharsets.UTF_8), inputs);
    }

    @Test
    void readsVectorsInOrderWithUsage() throws Exception {
        OllamaEmbedReader.Parsed p = read("""
                {"model":"all-minilm","embeddings":[[0.1,1],[0.2,2]],"total_duration":14143917,
                 "load_duration":1019500,"prompt_eval_count":8}""", 2);
        assertThat(p.vectors()).containsExactly(new float[]{0.1f, 1f}, new float[]{0.2f, 2f});
        assertThat(p.model()).isEqualTo("all-minilm");
        assertThat(p.usage().promptTokens()).isEqualTo(8);
    }

    @Test
    void usageMayBeAbsent() throws Exception {
        assertThat(read("{\"embeddings\":[[1]]}", 1).usage()).isNull();
    }

    @Test
    void errorBodyIsRecognised() throws Exception {
        assertThat(read("{\"error\":\"model 'x' not found\"}", 1).errorDocument()).isTrue();
    }

    @Test
    void resultsThatDoNotFitTheInputsAreMalformed() {
        assertThatThrownBy(() -> read("{\"embeddings\":[[1]]}", 2)).isInstanceOf(IOException.class)
                .hasMessageContaining("1 embeddings for 2 inputs");
        assertThatThrownBy(() -> read("{\"embeddings\":[[1,2],[1]]}", 2)).hasMessageContaining("different");
        assertThatThrownBy(() -> read("{\"embeddings\":[[]]}", 1)).hasMessageContaining("zero");
        assertThatThrownBy(() -> read("{\"model\":\"m\"}", 1)).hasMessageContaining("no embeddings");
        assertThatThrownBy(() -> read("{\"embeddings\":[\"x\"]}", 1)).isInstanceOf(IOException.class);
    }
}
