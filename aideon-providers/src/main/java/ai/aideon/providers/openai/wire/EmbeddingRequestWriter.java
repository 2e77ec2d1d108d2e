package ai.aideon.providers.openai.wire;

import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.providers.http.Json;

/**
 * Canonical embeddings request → {@code POST /embeddings} JSON. {@code input} is always an array, even for one text,
 * so the answer's {@code data[].index} maps back onto our inputs the same way every time. {@code encoding_format} is
 * never sent: the default is float, and base64 would only be one more format to decode.
 */
public final class EmbeddingRequestWriter {
    private EmbeddingRequestWriter() {
    }

    /**
     * @param optionalFields whether to send OpenAI's optional {@code dimensions} and {@code user}; Together's
     *                       endpoint documents only {@code model} and {@code input}
     */
    public static byte[] write(EmbeddingRequest r, String model, boolean optionalFields) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeArrayFieldStart("input");
            for (String text : r.inputs()) {
                g.writeString(text);
            }
            g.writeEndArray();
            if (optionalFields && r.dimensions() != null) {
                g.writeNumberField("dimensions", r.dimensions());
            }
            if (optionalFields && r.user() != null) {
                g.writeStringField("user", r.user());
            }
            g.writeEndObject();
        });
    }
}
