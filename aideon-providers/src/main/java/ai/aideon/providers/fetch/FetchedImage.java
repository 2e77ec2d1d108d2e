package ai.aideon.providers.fetch;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An image ready to inline: its bytes (signature already checked against the media type) and that media type.
 * The array is handed over, not copied — images run to megabytes; callers must not modify it.
 *
 * @param mediaType one of {@code image/png}, {@code image/jpeg}, {@code image/gif}, {@code image/webp}
 */
public record FetchedImage(byte[] bytes, String mediaType) {

    public FetchedImage {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(mediaType, "mediaType");
    }

    /** What engines that take inline images only (Ollama's {@code images}) want. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FetchedImage other && mediaType.equals(other.mediaType)
                && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * mediaType.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "FetchedImage[" + mediaType + ", " + bytes.length + " bytes]";
    }
}
