package ai.aideon.providers.fetch;

import ai.aideon.providers.fetch.FetchRefusedException.Reason;

import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Inline images, {@code data:image/png;base64,iVBOR…}: decoded, never fetched, and held to the same rules as
 * fetched ones — allowed media type, size limit, and bytes that really are that type.
 */
public final class DataUri {
    private static final String PREFIX = "data:";

    private DataUri() {
    }

    public static boolean isDataUri(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /**
     * @param maxBytes     limit on the decoded image; checked on the encoded length before anything is decoded
     * @param allowedTypes lower-case media types, e.g. {@code image/png}
     */
    public static FetchedImage decode(String uri, long maxBytes, Set<String> allowedTypes)
            throws FetchRefusedException {
        if (!isDataUri(uri)) {
            throw invalid("Not a data: URI.");
        }
        int comma = uri.indexOf(',');
        if (comma < 0) {
            throw invalid("The data: URI has no ',' before its data.");
        }
        // data:[<media type>][;<parameter>…][;base64],<data>
        String[] header = uri.substring(PREFIX.length(), comma).split(";", -1);
        if (header.length < 2 || !header[header.length - 1].trim().equalsIgnoreCase("base64")) {
            throw invalid("Image data: URIs must be base64-encoded (data:image/png;base64,…).");
        }
        Optional<String> type = ImageTypes.normalize(header[0]);
        if (type.isEmpty() || !allowedTypes.contains(type.get())) {
            throw new FetchRefusedException(Reason.NOT_AN_ALLOWED_IMAGE, "The data: URI's type '"
                    + header[0].trim().toLowerCase(Locale.ROOT) + "' is not an allowed image type "
                    + new TreeSet<>(allowedTypes) + ".");
        }
        String payload = uri.substring(comma + 1);
        // Every 4 base64 characters carry 3 bytes; refusing on the encoded length avoids decoding an oversized image.
        long maxEncodedLength = 4 * ((maxBytes + 2) / 3);
        if (payload.length() > maxEncodedLength) {
            throw tooLarge(maxBytes);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
            throw invalid("The data: URI's data is not valid base64.");
        }
        if (bytes.length == 0) {
            throw invalid("The data: URI has no data.");
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        Optional<String> actual = ImageTypes.sniff(bytes);
        if (actual.isEmpty() || !actual.get().equals(type.get())) {
            throw new FetchRefusedException(Reason.NOT_AN_ALLOWED_IMAGE, "The data: URI says " + type.get()
                    + " but its bytes are " + actual.map(t -> "a " + t + " image").orElse("not a recognised image")
                    + ".");
        }
        return new FetchedImage(bytes, type.get());
    }

    private static FetchRefusedException invalid(String message) {
        return new FetchRefusedException(Reason.INVALID_DATA_URI, message);
    }

    private static FetchRefusedException tooLarge(long maxBytes) {
        return new FetchRefusedException(Reason.TOO_LARGE,
                "The data: URI's image is larger than the " + maxBytes + "-byte limit.");
    }
}
