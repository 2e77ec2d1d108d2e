package ai.aideon.providers.fetch;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The fetcher's view of the network, faked: DNS answers from a table (no real lookups; unknown names do not
 * exist), and a connector that records every connection the fetcher asks for. Connections to loopback go
 * through; an address registered with {@link #routeToLoopback} stands for a public host and is served by a local
 * test server; any other address fails the test on the spot — so no test can send a packet beyond loopback.
 */
final class TestNetwork {
    private final Map<String, Function<Integer, List<InetAddress>>> dns = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, InetSocketAddress> routes = new ConcurrentHashMap<>();
    private final List<String> lookups = new CopyOnWriteArrayList<>();
    private final List<InetSocketAddress> connections = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> lookupCounts = new HashMap<>();

    /** {@code name} resolves to these literals every time. */
    TestNetwork name(String name, String... literals) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String literal : literals) {
            addresses.add(literal(literal));
        }
        dns.put(name, lookup -> addresses);
        return this;
    }

    /** {@code name} resolves to {@code first} on the first lookup and to {@code later} afterwards (rebinding). */
    TestNetwork rebinding(String name, String first, String later) {
        dns.put(name, lookup -> List.of(literal(lookup == 1 ? first : later)));
        return this;
    }

    /** Connections to {@code publicAddress:port} are served by the local server at {@code loopbackPort}. */
    TestNetwork routeToLoopback(String publicAddress, int port, int loopbackPort) {
        routes.put(new InetSocketAddress(literal(publicAddress), port),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), loopbackPort));
        return this;
    }

    SafeFetcher.HostResolver resolver() {
        return host -> {
            lookups.add(host);
            int lookup;
            synchronized (lookupCounts) {
                lookup = lookupCounts.merge(host, 1, Integer::sum);
            }
            Function<Integer, List<InetAddress>> answer = dns.get(host);
            if (answer == null) {
                throw new UnknownHostException(host);
            }
            return answer.apply(lookup);
        };
    }

    SafeFetcher.Connector connector() {
        return (address, timeoutMillis) -> {
            connections.add(address);
            InetSocketAddress target = routes.get(address);
            if (target == null) {
                if (!address.getAddress().isLoopbackAddress()) {
                    throw new AssertionError("the fetcher tried to connect to " + address
                            + ", which is neither loopback nor a routed test address");
                }
                target = address;
            }
            return SafeFetcher.Connector.DIRECT.connect(target, timeoutMillis);
        };
    }

    /** Names looked up, in order, one entry per lookup. */
    List<String> lookups() {
        return lookups;
    }

    /** Addresses the fetcher asked to connect to, in order — the pinned addresses, before any test routing. */
    List<InetSocketAddress> connections() {
        return connections;
    }

    static InetAddress literal(String text) {
        try {
            // Brackets: IPv6 text is parsed as a literal, never looked up; dotted IPv4 is always a literal.
            return InetAddress.getByName(text.indexOf(':') >= 0 ? "[" + text + "]" : text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** Always-failing stand-in for when a test wants to prove the real resolver is never reached. */
    static SafeFetcher.HostResolver noDns() {
        return host -> {
            throw new AssertionError("unexpected lookup of " + host);
        };
    }
}
