package ai.aideon.core.cache;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 over a canonical serialization: every value is written as its length followed by its UTF-8 bytes, absent
 * values as length -1, lists as their size followed by their items. Length prefixes make the encoding unambiguous
 * ({@code ["ab","c"]} and {@code ["a","bc"]} differ), so two different requests can only share a key through a
 * SHA-256 collision.
 */
final class CanonicalDigest {
    private final MessageDigest sha;

    /** @param domain separates kinds of digests (chat vs embeddings, and the format version) */
    CanonicalDigest(String domain) {
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
        text(domain);
    }

    CanonicalDigest text(String value) {
        if (value == null) {
            count(-1);
            return this;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        count(bytes.length);
        sha.update(bytes);
        return this;
    }

    /** Numbers by value, not by spelling: {@code 0}, {@code 0.0} and {@code -0.0} are one temperature. */
    CanonicalDigest number(Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            return text(value == null ? null : value.toString());
        }
        return text(BigDecimal.valueOf(value).stripTrailingZeros().toPlainString());
    }

    CanonicalDigest number(Long value) {
        return text(value == null ? null : value.toString());
    }

    CanonicalDigest number(Integer value) {
        return text(value == null ? null : value.toString());
    }

    CanonicalDigest bool(Boolean value) {
        return text(value == null ? null : value.toString());
    }

    CanonicalDigest count(int n) {
        sha.update((byte) (n >>> 24));
        sha.update((byte) (n >>> 16));
        sha.update((byte) (n >>> 8));
        sha.update((byte) n);
        return this;
    }

    String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }
}
