package ai.aideon.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The client key format {@code sk-aideon-<keyId>_<secret>}: keyId is 12 lowercase base32 characters (looked up,
 * not secret), secret is 32 random bytes in unpadded base64url (43 characters, never stored).
 * The store keeps SHA-256(salt ‖ secret) with a random 16-byte salt per key.
 */
final class KeyMaterial {

    static final String PREFIX = "sk-aideon-";
    static final int KEY_ID_LENGTH = 12;
    static final int SECRET_BYTES = 32;
    static final int SALT_BYTES = 16;
    private static final int SECRET_CHARS = 43; // ceil(32 * 4 / 3) without padding
    private static final int KEY_LENGTH = PREFIX.length() + KEY_ID_LENGTH + 1 + SECRET_CHARS;

    private KeyMaterial() {
    }

    /** A presented key split into its parts. */
    record Parsed(String keyId, String secret) {
        @Override
        public String toString() {
            return "Parsed[keyId=" + keyId + ", secret=****]";
        }
    }

    static String newKeyId() {
        return RandomIds.base32(KEY_ID_LENGTH);
    }

    static String newSecret() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(RandomIds.bytes(SECRET_BYTES));
    }

    static byte[] newSalt() {
        return RandomIds.bytes(SALT_BYTES);
    }

    static String format(String keyId, String secret) {
        return PREFIX + keyId + "_" + secret;
    }

    /** What operators see in listings: enough to recognise a key, useless to use it. */
    static String displayPrefix(String keyId) {
        return PREFIX + keyId + "_…";
    }

    /** Empty for anything not shaped like one of our keys; never throws. */
    static Optional<Parsed> parse(String presented) {
        if (presented == null || presented.length() != KEY_LENGTH || !presented.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String keyId = presented.substring(PREFIX.length(), PREFIX.length() + KEY_ID_LENGTH);
        if (presented.charAt(PREFIX.length() + KEY_ID_LENGTH) != '_' || !RandomIds.isBase32(keyId)) {
            return Optional.empty();
        }
        String secret = presented.substring(PREFIX.length() + KEY_ID_LENGTH + 1);
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!base64url) {
                return Optional.empty();
            }
        }
        return Optional.of(new Parsed(keyId, secret));
    }

    /** SHA-256(salt ‖ secret). The secret is hashed as the text presented, so exactly one spelling matches. */
    static byte[] hash(byte[] salt, String secret) {
        MessageDigest digest = sha256();
        digest.update(salt);
        digest.update(secret.getBytes(StandardCharsets.US_ASCII));
        return digest.digest();
    }

    /** Cache key for a presented key: its SHA-256, so the cache never holds key text. */
    static String fingerprint(String presented) {
        return HexFormat.of().formatHex(sha256().digest(presented.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }
}
