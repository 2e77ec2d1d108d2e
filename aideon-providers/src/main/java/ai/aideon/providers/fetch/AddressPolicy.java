package ai.aideon.providers.fetch;

import java.net.InetAddress;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which addresses the fetcher may connect to. Production uses {@link #PUBLIC_ONLY}; the only other policy there is
 * lets tests reach a server on loopback, and everything else stays refused under it too.
 */
public final class AddressPolicy {
    /** Public unicast addresses only: no loopback, private, link-local/metadata, multicast or reserved ranges. */
    public static final AddressPolicy PUBLIC_ONLY = new AddressPolicy(EnumSet.of(AddressClass.PUBLIC), "public only");

    private static final AddressPolicy PUBLIC_AND_LOOPBACK =
            new AddressPolicy(EnumSet.of(AddressClass.PUBLIC, AddressClass.LOOPBACK), "public and loopback (tests)");

    private final Set<AddressClass> permitted;
    private final String name;

    private AddressPolicy(Set<AddressClass> permitted, String name) {
        this.permitted = Collections.unmodifiableSet(permitted);
        this.name = name;
    }

    /**
     * {@link #PUBLIC_ONLY} plus loopback, so tests can fetch from a server on 127.0.0.1. Never configure this in a
     * gateway: loopback is where the gateway's own admin API and local engines listen.
     */
    public static AddressPolicy allowLoopbackForTests() {
        return PUBLIC_AND_LOOPBACK;
    }

    public boolean permits(InetAddress address) {
        return permitted.contains(AddressClass.of(address));
    }

    @Override
    public String toString() {
        return name;
    }
}
