package ai.aideon.providers.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * What an IP address is, in the terms that matter for fetching a URL on a client's behalf: a public unicast host, or
 * one of the special-purpose ranges (IANA's IPv4 and IPv6 special-purpose registries) that lead to our own machine,
 * our network, the cloud's metadata service, or nowhere sensible.
 *
 * <p>IPv6 forms that carry an IPv4 address (mapped {@code ::ffff:a.b.c.d}, compatible {@code ::a.b.c.d}, NAT64
 * {@code 64:ff9b::a.b.c.d}, 6to4 {@code 2002:AABB:CCDD::}) are judged by the IPv4 address they lead to, so
 * {@code ::ffff:127.0.0.1} is loopback and {@code 64:ff9b::a9fe:a9fe} is the metadata service.
 */
public enum AddressClass {
    PUBLIC("a public address"),
    LOOPBACK("a loopback address"),
    UNSPECIFIED("an unspecified / 'this network' address (0.0.0.0/8, ::)"),
    PRIVATE("a private address (10/8, 172.16/12, 192.168/16)"),
    SHARED_NAT("a carrier-grade NAT address (100.64/10)"),
    LINK_LOCAL("a link-local address (169.254/16, fe80::/10; includes cloud metadata services)"),
    UNIQUE_LOCAL("an IPv6 unique local address (fc00::/7)"),
    SITE_LOCAL("an IPv6 site-local address (fec0::/10)"),
    MULTICAST("a multicast address"),
    BROADCAST("the broadcast address"),
    DOCUMENTATION("a documentation address (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20)"),
    BENCHMARKING("a benchmarking address (198.18/15, 2001:2::/48)"),
    SPECIAL_PURPOSE("a special-purpose protocol address (192.0.0/24, 6to4 relay, Teredo, NAT64 local use)"),
    RESERVED("a reserved or unrouted address (240/4, IPv6 outside 2000::/3, IPv4-compatible IPv6)");

    private final String description;

    AddressClass(String description) {
        this.description = description;
    }

    /** For refusal messages: "10.0.0.1 is a private address (…)". */
    public String description() {
        return description;
    }

    public static AddressClass of(InetAddress address) {
        if (address instanceof Inet4Address) {
            return ofIpv4(toInt(address.getAddress(), 0));
        }
        if (address instanceof Inet6Address) {
            return ofIpv6(address.getAddress());
        }
        // No other kind of InetAddress exists; an unknown one is not something to connect to.
        return RESERVED;
    }

    static AddressClass ofIpv4(int ip) {
        int firstOctet = ip >>> 24;
        if (firstOctet == 0) {
            return UNSPECIFIED;
        }
        if (firstOctet == 10 || inPrefix(ip, 0xAC10_0000, 12) || inPrefix(ip, 0xC0A8_0000, 16)) {
            return PRIVATE;
        }
        if (firstOctet == 127) {
            return LOOPBACK;
        }
        if (inPrefix(ip, 0xA9FE_0000, 16)) {
            return LINK_LOCAL;
        }
        if (inPrefix(ip, 0x6440_0000, 10)) {
            return SHARED_NAT;
        }
        if (inPrefix(ip, 0xC000_0200, 24) || inPrefix(ip, 0xC633_6400, 24) || inPrefix(ip, 0xCB00_7100, 24)) {
            return DOCUMENTATION;
        }
        if (inPrefix(ip, 0xC612_0000, 15)) {
            return BENCHMARKING;
        }
        // 192.0.0.0/24 holds NAT64/DS-Lite and some clouds' metadata (Oracle's 192.0.0.192); 192.88.99.0/24 is the
        // retired 6to4 relay anycast.
        if (inPrefix(ip, 0xC000_0000, 24) || inPrefix(ip, 0xC058_6300, 24)) {
            return SPECIAL_PURPOSE;
        }
        if (ip == 0xFFFF_FFFF) {
            return BROADCAST;
        }
        if (inPrefix(ip, 0xE000_0000, 4)) {
            return MULTICAST;
        }
        if (inPrefix(ip, 0xF000_0000, 4)) {
            return RESERVED;
        }
        return PUBLIC;
    }

    static AddressClass ofIpv6(byte[] b) {
        if (allZero(b, 0, 16)) {
            return UNSPECIFIED;
        }
        if (allZero(b, 0, 15) && b[15] == 1) {
            return LOOPBACK;
        }
        if (allZero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) {
            // ::ffff:a.b.c.d is how a dual-stack socket reaches the IPv4 host a.b.c.d. The JDK turns these into
            // Inet4Address when it parses them, but a resolver may hand us the raw 16 bytes.
            return ofIpv4(toInt(b, 12));
        }
        if (allZero(b, 0, 12)) {
            // ::a.b.c.d (deprecated IPv4-compatible): judged by the IPv4 address, and never public in its own right.
            AddressClass embedded = ofIpv4(toInt(b, 12));
            return embedded == PUBLIC ? RESERVED : embedded;
        }
        int first16 = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
        int second16 = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if (first16 == 0x0064 && second16 == 0xFF9B && allZero(b, 4, 12)) {
            // 64:ff9b::/96, the well-known NAT64 prefix: the translator forwards to the embedded IPv4 address.
            return ofIpv4(toInt(b, 12));
        }
        if (first16 == 0x0064 && second16 == 0xFF9B && b[4] == 0 && b[5] == 1) {
            return SPECIAL_PURPOSE; // 64:ff9b:1::/48, NAT64 prefixes for local use
        }
        if ((b[0] & 0xFF) == 0xFF) {
            return MULTICAST;
        }
        if ((b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0x80) {
            return LINK_LOCAL;
        }
        if ((b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0xC0) {
            return SITE_LOCAL;
        }
        if ((b[0] & 0xFE) == 0xFC) {
            return UNIQUE_LOCAL;
        }
        if ((b[0] & 0xE0) != 0x20) {
            // Only 2000::/3 is allocated as global unicast; everything else (100::/64 discard, 5f00::/16 SRv6, the
            // rest of ::/8) is not a web server on the internet.
            return RESERVED;
        }
        if (first16 == 0x2001 && second16 == 0x0DB8 || first16 == 0x3FFF && (second16 & 0xF000) == 0) {
            return DOCUMENTATION;
        }
        if (first16 == 0x2001 && second16 == 0x0002 && b[4] == 0 && b[5] == 0) {
            return BENCHMARKING;
        }
        if (first16 == 0x2001 && (second16 & 0xFE00) == 0) {
            // 2001::/23, IETF protocol assignments: Teredo (2001::/32, whose embedded addresses cannot be checked),
            // ORCHID, AMT and friends. None of them is an image host.
            return SPECIAL_PURPOSE;
        }
        if (first16 == 0x2002) {
            // 6to4: 2002:AABB:CCDD::/48 tunnels to the IPv4 address AA.BB.CC.DD.
            return ofIpv4(toInt(b, 2));
        }
        return PUBLIC;
    }

    private static boolean inPrefix(int ip, int network, int prefixLength) {
        int mask = -1 << (32 - prefixLength);
        return (ip & mask) == network;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int toInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16)
                | ((bytes[offset + 2] & 0xFF) << 8) | (bytes[offset + 3] & 0xFF);
    }
}
