package ai.aideon.providers.fetch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/** The range table, one address at a time. Only classification: nothing here opens a connection. */
class AddressClassTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "127.0.0.1, LOOPBACK",
            "127.255.255.254, LOOPBACK",
            "::1, LOOPBACK",
            "0.0.0.0, UNSPECIFIED",
            "0.1.2.3, UNSPECIFIED",
            "::, UNSPECIFIED",
            "10.0.0.1, PRIVATE",
            "10.255.255.255, PRIVATE",
            "172.16.5.4, PRIVATE",
            "172.31.255.255, PRIVATE",
            "192.168.1.1, PRIVATE",
            "100.64.0.1, SHARED_NAT",
            "100.100.100.200, SHARED_NAT", // Alibaba Cloud's metadata service
            "100.127.255.255, SHARED_NAT",
            "169.254.169.254, LINK_LOCAL", // AWS, GCP, Azure metadata
            "169.254.0.1, LINK_LOCAL",
            "fe80::1, LINK_LOCAL",
            "febf::1, LINK_LOCAL",
            "fec0::1, SITE_LOCAL",
            "fc00::1, UNIQUE_LOCAL",
            "fd00:ec2::254, UNIQUE_LOCAL", // AWS's IPv6 metadata endpoint
            "224.0.0.1, MULTICAST",
            "239.255.255.250, MULTICAST",
            "ff02::1, MULTICAST",
            "255.255.255.255, BROADCAST",
            "240.0.0.1, RESERVED",
            "192.0.2.10, DOCUMENTATION",
            "198.51.100.7, DOCUMENTATION",
            "203.0.113.1, DOCUMENTATION",
            "2001:db8::1, DOCUMENTATION",
            "3fff::1, DOCUMENTATION",
            "198.18.0.1, BENCHMARKING",
            "198.19.255.255, BENCHMARKING",
            "2001:2::1, BENCHMARKING",
            "192.0.0.192, SPECIAL_PURPOSE", // Oracle Cloud's metadata service
            "192.88.99.1, SPECIAL_PURPOSE",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2, SPECIAL_PURPOSE", // Teredo
            "64:ff9b:1::1, SPECIAL_PURPOSE",
            "100::1, RESERVED",
            "5f00::1, RESERVED",
            // Public
            "8.8.8.8, PUBLIC",
            "1.1.1.1, PUBLIC",
            "93.184.215.14, PUBLIC",
            "11.0.0.1, PUBLIC",
            "100.63.255.255, PUBLIC",
            "100.128.0.0, PUBLIC",
            "172.15.255.255, PUBLIC",
            "172.32.0.1, PUBLIC",
            "192.167.255.255, PUBLIC",
            "192.169.0.1, PUBLIC",
            "169.253.255.255, PUBLIC",
            "198.17.255.255, PUBLIC",
            "198.20.0.0, PUBLIC",
            "223.255.255.255, PUBLIC",
            "2606:4700:4700::1111, PUBLIC",
            "2a00:1450:4001:80b::200e, PUBLIC",
    })
    void classifiesAddresses(String literal, AddressClass expected) throws UnknownHostException {
        assertThat(AddressClass.of(literal(literal))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is judged by its IPv4 address: {1}")
    @CsvSource({
            "::ffff:127.0.0.1, LOOPBACK",
            "::ffff:7f00:1, LOOPBACK",
            "::ffff:169.254.169.254, LINK_LOCAL",
            "::ffff:10.0.0.1, PRIVATE",
            "::ffff:8.8.8.8, PUBLIC",
            "::127.0.0.1, LOOPBACK", // IPv4-compatible
            "::10.1.2.3, PRIVATE",
            "::8.8.8.8, RESERVED", // compatible form of a public address: deprecated, not routed
            "64:ff9b::a9fe:a9fe, LINK_LOCAL", // NAT64 to 169.254.169.254
            "64:ff9b::7f00:1, LOOPBACK",
            "64:ff9b::808:808, PUBLIC",
            "2002:7f00:1::1, LOOPBACK", // 6to4 tunnel to 127.0.0.1
            "2002:c0a8:101::1, PRIVATE",
            "2002:808:808::1, PUBLIC",
    })
    void ipv6FormsCarryingIpv4AreJudgedByTheIpv4Address(String literal, AddressClass expected)
            throws UnknownHostException {
        assertThat(AddressClass.of(literal(literal))).isEqualTo(expected);
    }

    @Test
    void rawMappedBytesFromAResolverAreUnwrappedToo() throws UnknownHostException {
        // The JDK would hand back an Inet4Address for these bytes; a custom resolver could still build an
        // Inet6Address (via the scoped factory), which must not slip through as "IPv6, not loopback".
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 127, 0, 0, 1};
        InetAddress address = java.net.Inet6Address.getByAddress(null, mapped, -1);

        assertThat(address).isInstanceOf(java.net.Inet6Address.class);
        assertThat(AddressClass.of(address)).isEqualTo(AddressClass.LOOPBACK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "::ffff:127.0.0.1", "10.0.0.1", "169.254.169.254", "fe80::1",
            "fd00::1", "100.64.0.1", "0.0.0.0", "224.0.0.1"})
    void publicOnlyRefusesEveryNonPublicAddress(String literal) throws UnknownHostException {
        assertThat(AddressPolicy.PUBLIC_ONLY.permits(literal(literal))).isFalse();
    }

    @Test
    void publicOnlyPermitsPublicAddresses() throws UnknownHostException {
        assertThat(AddressPolicy.PUBLIC_ONLY.permits(literal("93.184.215.14"))).isTrue();
        assertThat(AddressPolicy.PUBLIC_ONLY.permits(literal("2606:4700:4700::1111"))).isTrue();
    }

    @Test
    void theTestPolicyAddsLoopbackAndNothingElse() throws UnknownHostException {
        AddressPolicy tests = AddressPolicy.allowLoopbackForTests();

        assertThat(tests.permits(literal("127.0.0.1"))).isTrue();
        assertThat(tests.permits(literal("::1"))).isTrue();
        assertThat(tests.permits(literal("93.184.215.14"))).isTrue();
        for (String stillRefused : new String[] {"169.254.169.254", "10.0.0.1", "172.16.5.4", "192.168.1.1",
                "100.64.0.1", "fe80::1", "fd00::1", "0.0.0.0", "::"}) {
            assertThat(tests.permits(literal(stillRefused))).as(stillRefused).isFalse();
        }
    }

    /** Parses an IP literal; the brackets make the JDK treat IPv6 text as a literal, never a name to look up. */
    private static InetAddress literal(String text) throws UnknownHostException {
        return InetAddress.getByName(text.indexOf(':') >= 0 ? "[" + text + "]" : text);
    }
}
