package ai.aideon.client.cache;

import java.util.Locale;

/**
 * What one request asks of the cache, from its {@code x-aideon-cache} and {@code Cache-Control} headers.
 *
 * <table>
 *   <tr><th>header</th><th>look up</th><th>store the answer</th></tr>
 *   <tr><td>(none)</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@code x-aideon-cache: semantic}</td><td>exact, then similar questions</td><td>yes, in both</td></tr>
 *   <tr><td>{@code x-aideon-cache: refresh}, {@code Cache-Control: no-cache}</td><td>no</td><td>yes (replaces)</td></tr>
 *   <tr><td>{@code x-aideon-cache: no-store}, {@code Cache-Control: no-store}</td><td>yes</td><td>no</td></tr>
 *   <tr><td>{@code x-aideon-cache: bypass}</td><td>no</td><td>no</td></tr>
 * </table>
 *
 * <p>Values combine ({@code x-aideon-cache: semantic, no-store}). Other {@code Cache-Control} directives are ignored,
 * since HTTP clients and proxies add them freely; an unknown {@code x-aideon-cache} value is the caller's mistake and
 * refused, so a typo like {@code semantik} does not silently do nothing.
 */
public record CacheDirective(boolean lookup, boolean store, boolean semantic) {
    public static final CacheDirective DEFAULT = new CacheDirective(true, true, false);

    /** The request header's name. */
    public static final String HEADER = "x-aideon-cache";

    /**
     * @param aideon       the {@code x-aideon-cache} header, or null
     * @param cacheControl the {@code Cache-Control} header, or null
     * @throws IllegalArgumentException for an unknown {@code x-aideon-cache} value, with a message for the caller
     */
    public static CacheDirective parse(String aideon, String cacheControl) {
        boolean lookup = true;
        boolean store = true;
        boolean semantic = false;
        if (cacheControl != null) {
            for (String d : cacheControl.split(",")) {
                String name = d.trim().toLowerCase(Locale.ROOT);
                if (name.equals("no-cache")) {
                    lookup = false;
                } else if (name.equals("no-store")) {
                    store = false;
                }
            }
        }
        if (aideon != null) {
            for (String v : aideon.split(",")) {
                switch (v.trim().toLowerCase(Locale.ROOT)) {
                    case "" -> { }
                    case "semantic" -> semantic = true;
                    case "refresh" -> lookup = false;
                    case "no-store" -> store = false;
                    case "bypass" -> {
                        lookup = false;
                        store = false;
                    }
                    default -> throw new IllegalArgumentException("Unknown " + HEADER + " value '" + v.trim()
                            + "'. Use semantic, refresh, no-store or bypass (comma-separated to combine).");
                }
            }
        }
        return new CacheDirective(lookup, store, semantic);
    }
}
