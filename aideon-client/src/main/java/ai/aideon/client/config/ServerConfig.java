package ai.aideon.client.config;

/** Where the gateway listens and how large a request body may be. */
public record ServerConfig(String host, int port, long maxBodyBytes) {
    public static final long DEFAULT_MAX_BODY = 32L * 1024 * 1024;

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, maxBodyBytes);
    }
}
