package ai.aideon.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Generated images the gateway hosts itself, for {@code response_format: url} when the provider gave us bytes
 * (the simulator; Together when asked for base64). In memory only, bounded by total bytes and by age: a client
 * that wants to keep an image downloads it, as with OpenAI's expiring URLs. A restart or eviction under memory
 * pressure makes older URLs answer 404.
 *
 * <p>Ids are 128 random bits from {@link SecureRandom}: the URL itself is the capability, so fetching needs no API
 * key (an {@code <img src>} or a browser cannot send one) and ids cannot be guessed or enumerated.
 */
final class ImageStore {
    static final long DEFAULT_MAX_BYTES = 128L * 1024 * 1024;
    static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    record Stored(byte[] bytes, String mediaType) {
    }

    private final Cache<String, Stored> cache;
    private final SecureRandom random = new SecureRandom();
    private final Duration ttl;

    ImageStore() {
        this(DEFAULT_MAX_BYTES, DEFAULT_TTL, Ticker.systemTicker());
    }

    ImageStore(long maxBytes, Duration ttl, Ticker ticker) {
        this.ttl = ttl;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String id, Stored s) -> s.bytes().length)
                .expireAfterWrite(ttl)
                .ticker(ticker)
                .executor(Runnable::run) // evict on the caller's thread: bounded now, not "soon"
                .build();
    }

    /** Keeps the image and returns its new id. */
    String put(byte[] bytes, String mediaType) {
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        String id = HexFormat.of().formatHex(raw);
        cache.put(id, new Stored(bytes, mediaType));
        return id;
    }

    /** The image, unless the id is malformed, unknown, expired or evicted. */
    Optional<Stored> get(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(cache.getIfPresent(id));
    }

    Duration ttl() {
        return ttl;
    }

    /** The file extension URLs carry, so saved files open in the right program. */
    static String extension(String mediaType) {
        return switch (mediaType == null ? "" : mediaType) {
            case "image/jpeg" -> ".jpg";
            case "image/webp" -> ".webp";
            case "image/gif" -> ".gif";
            default -> ".png";
        };
    }
}
