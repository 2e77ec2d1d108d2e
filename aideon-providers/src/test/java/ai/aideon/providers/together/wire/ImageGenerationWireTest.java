package ai.aideon.providers.together.wire;

import ai.aideon.core.api.GeneratedImages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading Together's image answers: order, limits, and what counts as malformed. */
class ImageGenerationWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PNG = Base64.getEncoder().encodeToString(
            new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0});
    private static final String JPEG = Base64.getEncoder().encodeToString(new byte[]{(byte) 0xFF, (byte) 0xD8,
            (byte) 0xFF, (byte) 0xE0});

    private static JsonNode json(String s) throws IOException {
        return JSON.readTree(s);
    }

    @Test
    void itemsComeBackInIndexOrderAndNoMoreThanAsked() throws Exception {
        List<GeneratedImages.Image> images = ImageGenerationWire.read(json("{\"data\":["
                + "{\"index\":1,\"type\":\"b64_json\",\"b64_json\":\"" + JPEG + "\"},"
                + "{\"index\":0,\"type\":\"b64_json\",\"b64_json\":\"" + PNG + "\"},"
                + "{\"index\":2,\"type\":\"b64_json\",\"b64_json\":\"" + PNG + "\"}]}"), 2, false);
        assertThat(images).extracting(GeneratedImages.Image::mediaType).containsExactly("image/png", "image/jpeg");
    }

    @Test
    void malformedAnswersAreNamed() {
        assertThatThrownBy(() -> ImageGenerationWire.read(json("{\"data\":[]}"), 1, false))
                .hasMessageContaining("no images");
        assertThatThrownBy(() -> ImageGenerationWire.read(json("{\"data\":[{\"b64_json\":\"%%%\"}]}"), 1, false))
                .hasMessageContaining("not base64");
        assertThatThrownBy(() -> ImageGenerationWire.read(json("{\"data\":[{\"b64_json\":\""
                + Base64.getEncoder().encodeToString("hello".getBytes()) + "\"}]}"), 1, false))
                .hasMessageContaining("not an image");
        assertThatThrownBy(() -> ImageGenerationWire.read(json("{\"data\":[{\"url\":\"https://x.test/a.png\"}]}"),
                1, false)).hasMessageContaining("asked for base64");
        assertThatThrownBy(() -> ImageGenerationWire.read(json("{\"data\":[{\"url\":\"file:///etc/passwd\"}]}"),
                1, true)).hasMessageContaining("http");
        assertThatThrownBy(() -> ImageGenerationWire.read(json("{\"data\":[{\"index\":0}]}"), 1, true))
                .hasMessageContaining("neither");
    }

    @Test
    void bytesAreFineWhenUrlsWereAskedFor() throws Exception {
        // A provider that answers base64 to a url request still gave us the image; the gateway hosts it.
        assertThat(ImageGenerationWire.read(json("{\"data\":[{\"b64_json\":\"" + PNG + "\"}]}"), 1, true).get(0)
                .bytes()).isNotNull();
    }
}
