package ai.aideon.core.api;

/** One part of a message's content. Plain string content is a single {@link Text} part. */
public sealed interface ContentPart {

    record Text(String text) implements ContentPart {
    }

    /** An image by URL ({@code https://…} or {@code data:image/…;base64,…}); detail is auto|low|high or null. */
    record Image(String url, String detail) implements ContentPart {
    }

    /** Base64 audio input ({@code input_audio}); format wav|mp3. */
    record Audio(String base64Data, String format) implements ContentPart {
    }
}
