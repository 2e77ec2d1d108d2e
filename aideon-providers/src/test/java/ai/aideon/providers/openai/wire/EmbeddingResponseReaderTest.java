package ai.aideon.providers.openai.wire;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddingResponseReaderTest {

    private static EmbeddingResponseReader.Parsed read(String json, int inputs) throws IOException {
        return EmbeddingResponseReader.read(json.getBytes(StandardCharsets.UTF_8), inputs);
    }

    @Test
    void vectorsAreOrderedByIndexNotByPosition() throws Exception {
        EmbeddingResponseReader.Parsed p = read("""
                {"object":"list","model":"text-embedding-3-small","data":[
                  {"object":"embedding","index":2,"embedding":[0.3,3]},
                  {"object":"embedding","index":0,"embedding":[0.1,1]},
                  {"object":"embedding","index":1,"embedding":[0.2,2e0]}],
                 "usage":{"prompt_tokens":7,"total_tokens":7}}""", 3);
        assertThat(p.vectors()).containsExactly(new float[]{0.1f, 1f}, new float[]{0.2f, 2f}, new float[]{0.3f, 3f});
        assertThat(p.model()).isEqualTo("text-embedding-3-small");
        assertThat(p.usage().promptTokens()).isEqualTo(7);
        assertThat(p.errorDocument()).isFalse();
    }

    @Test
    void itemsWithoutIndexTakeTheirPosition() throws Exception {
        EmbeddingResponseReader.Parsed p = read("{\"data\":[{\"embedding\":[1]},{\"embedding\":[2]}]}", 2);
        assertThat(p.vectors()).containsExactly(new float[]{1f}, new float[]{2f});
        assertThat(p.model()).isNull();
    }

    @Test
    void usageFallsBackToTotalTokensAndMayBeAbsent() throws Exception {
        assertThat(read("{\"data\":[{\"index\":0,\"embedding\":[1]}],\"usage\":{\"total_tokens\":4}}", 1)
                .usage().promptTokens()).isEqualTo(4);
        assertThat(read("{\"data\":[{\"index\":0,\"embedding\":[1]}]}", 1).usage()).isNull();
        assertThat(read("{\"data\":[{\"index\":0,\"embedding\":[1]}],\"usage\":null}", 1).usage()).isNull();
    }

    @Test
    void errorObjectsSentWith200AreRecognised() throws Exception {
        assertThat(read("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}", 1).errorDocument()).isTrue();
        assertThat(read("{\"object\":\"error\",\"message\":\"boom\",\"code\":500}", 1).errorDocument()).isTrue();
    }

    @Test
    void resultsThatDoNotFitTheInputsAreMalformed() {
        assertThatThrownBy(() -> read("{\"data\":[{\"index\":0,\"embedding\":[1]}]}", 2))
                .isInstanceOf(IOException.class).hasMessageContaining("1 embeddings for 2 inputs");
        assertThatThrownBy(() -> read("{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":0,\"embedding\":[2]}]}", 2))
                .hasMessageContaining("two embeddings for index 0");
        assertThatThrownBy(() -> read("{\"data\":[{\"index\":5,\"embedding\":[1]}]}", 1))
                .hasMessageContaining("index 5");
        assertThatThrownBy(() -> read("{\"data\":[{\"index\":0}]}", 1)).hasMessageContaining("no embedding");
        assertThatThrownBy(() -> read("{\"data\":[{\"index\":0,\"embedding\":[1,2]},{\"index\":1,\"embedding\":[1]}]}", 2))
                .hasMessageContaining("different");
        assertThatThrownBy(() -> read("{\"data\":[{\"index\":0,\"embedding\":\"AACAPw==\"}]}", 1))
                .hasMessageContaining("base64");
        assertThatThrownBy(() -> read("{\"data\":[{\"index\":0,\"embedding\":[1,\"x\"]}]}", 1))
                .hasMessageContaining("expected a number");
        assertThatThrownBy(() -> read("{\"object\":\"list\"}", 1)).hasMessageContaining("no data");
        assertThatThrownBy(() -> read("[]", 1)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read("{\"data\":[", 1)).isInstanceOf(IOException.class);
    }

    @Test
    void longVectorsGrowPastTheInitialBuffer() throws Exception {
        StringBuilder sb = new StringBuilder("{\"data\":[{\"index\":0,\"embedding\":[");
        for (int i = 0; i < 3072; i++) {
            sb.append(i == 0 ? "" : ",").append(i);
        }
        sb.append("]}]}");
        float[] v = read(sb.toString(), 1).vectors().get(0);
        assertThat(v).hasSize(3072);
        assertThat(v[3071]).isEqualTo(3071f);
    }
}
