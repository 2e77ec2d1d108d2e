package ai.aideon.client;

import ai.aideon.client.config.ProviderConfig;
import ai.aideon.core.api.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hybrid mode: probes the cloud providers' addresses (a TCP connect, no request, no key) in the background. When
 * none answers, requests go local-only until one does again — no waiting on timeouts per request, and recovery is
 * automatic. Providers without a network address (simulators) count as reachable.
 */
final class CloudReachability implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloudReachability.class);

    private final Map<String, InetSocketAddress> targets = new LinkedHashMap<>();
    private final Map<String, Boolean> reachable = new ConcurrentHashMap<>();
    private final Duration interval;
    private final Duration connectTimeout;
    private volatile boolean closed;
    private final Thread prober;

    CloudReachability(List<ProviderConfig> providers, Duration interval, Duration connectTimeout) {
        this.interval = interval;
        this.connectTimeout = connectTimeout;
        for (ProviderConfig pc : providers) {
            URI url = pc.settings().baseUrl();
            if (!pc.enabled() || pc.settings().source() != Source.CLOUD || url == null || url.getHost() == null
                    || !url.getScheme().startsWith("http")) {
                continue;
            }
            int port = url.getPort() > 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
            targets.put(pc.name(), InetSocketAddress.createUnresolved(url.getHost(), port));
            reachable.put(pc.name(), true); // optimistic until the first probe says otherwise
        }
        this.prober = targets.isEmpty() ? null : Thread.ofVirtual().name("aideon-cloud-probe").start(this::loop);
    }

    /** True when some cloud provider answered its last probe, or there is none to probe. */
    boolean anyCloudReachable() {
        if (targets.isEmpty()) {
            return true;
        }
        for (Boolean up : reachable.values()) {
            if (up) {
                return true;
            }
        }
        return false;
    }

    Map<String, Boolean> snapshot() {
        return Map.copyOf(reachable);
    }

    /** Probes every target once, now (also used by tests to avoid waiting for the interval). */
    void probeNow() {
        targets.forEach((name, address) -> {
            boolean up = connect(address);
            Boolean before = reachable.put(name, up);
            if (before != null && before != up) {
                LOG.info("cloud provider '{}' is {}", name, up ? "reachable again" : "unreachable: routing local-only");
            }
        });
    }

    private boolean connect(InetSocketAddress unresolved) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(unresolved.getHostString(), unresolved.getPort()),
                    (int) connectTimeout.toMillis());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private void loop() {
        while (!closed) {
            probeNow();
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (prober != null) {
            prober.interrupt();
        }
    }
}
