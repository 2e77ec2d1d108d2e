package ai.aideon.providers.fetch;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The image media types we pass on, and how to recognise each from its first bytes. Public for the image-generation
 * adapters, which check that what an upstream calls an image is one.
 */
public final class ImageTypes {
    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";
    static final String GIF = "image/gif";
    static final String WEBP = "image/webp";
    /** Every type {@link #sniff} can recognise; an allowed type must be one of them or it could never match. */
    static final Set<String> RECOGNISED = Set.of(PNG, JPEG, GIF, WEBP);

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private ImageTypes() {
    }

    /**
     * {@code Content-Type} or data-URI media type without parameters, lower-cased; {@code image/jpg}, a common
     * server misconfiguration, counts as {@code image/jpeg}. Empty for a missing or blank value.
     */
    static Optional<String> normalize(String mediaType) {
        if (mediaType == null) {
            return Optional.empty();
        }
        int semicolon = mediaType.indexOf(';');
        String bare = (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        if (bare.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(bare.equals("image/jpg") ? JPEG : bare);
    }

    /** The image type the bytes start like, if any. */
    public static Optional<String> sniff(byte[] bytes) {
        if (startsWith(bytes, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (startsWithAscii(bytes, 0, "GIF87a") || startsWithAscii(bytes, 0, "GIF89a")) {
            return Optional.of(GIF);
        }
        // RIFF container: "RIFF", 4 bytes of length, then the form type.
        if (startsWithAscii(bytes, 0, "RIFF") && startsWithAscii(bytes, 8, "WEBP")) {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithAscii(byte[] bytes, int offset, String ascii) {
        if (bytes.length < offset + ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (bytes[offset + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
