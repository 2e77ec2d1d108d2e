package ai.aideon.client.cache;

/** What the cache did for one request, as reported in the {@code x-aideon-cache} response header. */
public enum CacheStatus {
    /** The request can't be answered from the cache (e.g. temperature above 0 without a seed): no header. */
    NOT_CACHEABLE(null),
    /** The caller asked not to look up (bypass, refresh, Cache-Control: no-cache). */
    BYPASS("bypass"),
    HIT("hit"),
    MISS("miss");

    private final String header;

    CacheStatus(String header) {
        this.header = header;
    }

    /** The response header's value, or null when none is sent. */
    public String header() {
        return header;
    }
}
