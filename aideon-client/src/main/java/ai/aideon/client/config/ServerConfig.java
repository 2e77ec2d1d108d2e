package ai.aideon.client.config;

/**
 * Where the gateway listens, how large a request body may be, and whether image URLs in vision requests may point
 * at loopback addresses. That last switch exists for tests and local development only: in production the image
 * fetcher refuses loopback, private, link-local and metadata addresses (SSRF protection). {@code offline} (top-level
 * {@code offline: true}) keeps every request on local engines.
 */
public record ServerConfig(String host, int port, long maxBodyBytes, boolean imageFetchAllowLoopback,
                           boolean offline) {
    public static final long DEFAULT_MAX_BODY = 32L * 1024 * 1024;

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, maxBodyBytes, imageFetchAllowLoopback, offline);
    }
}
