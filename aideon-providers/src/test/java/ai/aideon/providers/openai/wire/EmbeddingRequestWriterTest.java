package ai.aideon.providers.openai.wire;

import ai.aideon.core.api.EmbeddingRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddingRequestWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void oneInputIsStillAnArrayAndOptionalFieldsFollowTheDialect() throws Exception {
        EmbeddingRequest r = new EmbeddingRequest("aideon/embed", List.of("only one"), 256, "user-7");
        JsonNode openAi = JSON.readTree(EmbeddingRequestWriter.write(r, "text-embedding-3-small", true));
        assertThat(openAi.get("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(openAi.get("input").isArray()).isTrue();
        assertThat(openAi.get("input")).hasSize(1);
        assertThat(openAi.get("dimensions").asInt()).isEqualTo(256);
        assertThat(openAi.get("user").asText()).isEqualTo("user-7");
        assertThat(openAi.has("encoding_format")).isFalse();

        JsonNode together = JSON.readTree(EmbeddingRequestWriter.write(r, "BAAI/bge-base-en-v1.5", false));
        assertThat(together.has("dimensions")).isFalse();
        assertThat(together.has("user")).isFalse();
    }
}
