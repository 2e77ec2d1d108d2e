package ai.aideon.providers.fetch;

import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.fetch.FetchRefusedException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The default policy, as production runs it: loopback, private, link-local/metadata and special addresses are
 * refused — as literals in any notation, as names that resolve to them, and as redirect targets — and refused before
 * any connection is made. A real image server listens on 127.0.0.1 throughout, so a refusal that came too late would
 * show up as a hit.
 */
@Timeout(10)
class SafeFetcherRefusalTest {
    /** Stands in for a public image host; connections to it are routed to the local server, never sent out. */
    private static final String PUBLIC_IP = "93.184.215.14";

    private ImageServer server;
    private TestNetwork network;
    private SafeFetcher fetcher;

    @BeforeEach
    void start() throws IOException {
        server = new ImageServer().serve("/cat.png", "image/png", TestImages.PNG);
        network = new TestNetwork()
                .name("images.example.test", PUBLIC_IP)
                .routeToLoopback(PUBLIC_IP, 80, server.port())
                .name("localhost", "127.0.0.1", "::1")
                .name("metadata.example.test", "169.254.169.254")
                .name("intranet.example.test", "10.0.0.1")
                .name("mixed.example.test", PUBLIC_IP, "192.168.1.1")
                .name("mapped.example.test", "::ffff:127.0.0.1")
                .name("ula.example.test", "fd00:ec2::254");
        fetcher = new SafeFetcher(SafeFetcher.Settings.defaults(), network.resolver(), network.connector(),
                (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        SafeFetcher.Settings defaults = SafeFetcher.Settings.defaults();

        assertThat(defaults.maxBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(defaults.deadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.maxRedirects()).isEqualTo(3);
        assertThat(defaults.allowedContentTypes())
                .containsExactlyInAnyOrder("image/png", "image/jpeg", "image/gif", "image/webp");
        assertThat(defaults.addressPolicy()).isSameAs(AddressPolicy.PUBLIC_ONLY);
    }

    @Test
    void theProductionFetcherRefusesTheLoopbackServer() {
        // No seams replaced: the real resolver and real sockets. The server is up; the refusal must come first.
        SafeFetcher production = new SafeFetcher(SafeFetcher.Settings.defaults());

        FetchRefusedException e = refusedBy(production, server.url("/cat.png"));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_ADDRESS);
        assertThat(e).hasMessageContaining("127.0.0.1").hasMessageContaining("loopback");
        assertThat(server.totalHits()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "http://127.0.0.1:PORT/cat.png",
            "http://127.0.0.2:PORT/cat.png",
            "http://[::1]:PORT/cat.png",
            "http://2130706433:PORT/cat.png",
            "http://0x7f000001:PORT/cat.png",
            "http://0x7f.1:PORT/cat.png",
            "http://0177.0.0.1:PORT/cat.png",
            "http://127.1:PORT/cat.png",
            "http://[::ffff:127.0.0.1]:PORT/cat.png",
            "http://[::ffff:7f00:1]:PORT/cat.png",
            "http://[::127.0.0.1]:PORT/cat.png",
            "http://[64:ff9b::7f00:1]:PORT/cat.png",
            "http://0:PORT/cat.png",
            "http://0.0.0.0:PORT/cat.png",
            "http://[::]:PORT/cat.png",
    })
    void refusesLoopbackLiteralsInEveryNotationWithoutConnecting(String template) {
        FetchRefusedException e = refused(template.replace("PORT", String.valueOf(server.port())));

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_ADDRESS);
        assertNothingWasAttempted();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "http://169.254.169.254/latest/meta-data",
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "http://0xa9fea9fe/latest/meta-data",
            "http://2852039166/latest/meta-data",
            "http://[::ffff:169.254.169.254]/latest/meta-data",
            "http://[fd00:ec2::254]/latest/meta-data",
            "http://100.100.100.200/latest/meta-data",
            "http://192.0.0.192/opc/v2/instance/",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",
            "http://[fe80::1]/",
            "http://[fc00::1]/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
            "http://192.0.2.1/",
            "http://198.18.0.1/",
    })
    void refusesMetadataPrivateAndSpecialAddressesWithoutConnecting(String url) {
        assertThat(refused(url).reason()).isEqualTo(Reason.FORBIDDEN_ADDRESS);
        assertNothingWasAttempted();
    }

    @Test
    void theMetadataRefusalSaysWhy() {
        FetchRefusedException e = refused("http://169.254.169.254/latest/meta-data");

        assertThat(e).hasMessageContaining("169.254.169.254").hasMessageContaining("link-local")
                .hasMessageContaining("metadata");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "http://localhost:PORT/cat.png",
            "http://LOCALHOST.:PORT/cat.png",
            "http://metadata.example.test/latest/meta-data",
            "http://intranet.example.test/",
            "http://mixed.example.test/cat.png",
            "http://mapped.example.test/",
            "http://ula.example.test/",
    })
    void refusesNamesThatResolveToForbiddenAddressesAfterOneLookupAndNoConnection(String template) {
        String url = template.replace("PORT", String.valueOf(server.port()));

        assertThat(refused(url).reason()).isEqualTo(Reason.FORBIDDEN_ADDRESS);
        assertThat(network.lookups()).hasSize(1);
        assertThat(network.connections()).isEmpty();
        assertThat(server.totalHits()).isZero();
    }

    @Test
    void aNameWithOnePublicAndOnePrivateAddressIsRefusedWhicheverWouldBeUsed() {
        FetchRefusedException e = refused("http://mixed.example.test/cat.png");

        assertThat(e).hasMessageContaining("192.168.1.1").hasMessageContaining("private");
    }

    @Test
    void theRealResolverForLocalhostIsRefusedToo() {
        // localhost is answered from the hosts file, never by a DNS server.
        SafeFetcher withSystemDns = new SafeFetcher(SafeFetcher.Settings.defaults(), SafeFetcher.HostResolver.SYSTEM,
                network.connector(), (SSLSocketFactory) SSLSocketFactory.getDefault());

        FetchRefusedException e = refusedBy(withSystemDns, "http://localhost:" + server.port() + "/cat.png");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_ADDRESS);
        assertThat(network.connections()).isEmpty();
        assertThat(server.totalHits()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "ftp://images.example.test/cat.png",
            "file:///etc/passwd",
            "gopher://images.example.test:6379/_FLUSHALL",
            "dict://images.example.test:11211/stats",
            "jar:http://images.example.test/x.jar!/cat.png",
            "http://user@images.example.test/cat.png",
            "http://user:secret@images.example.test/cat.png",
            "http://images.example.test@127.0.0.1/cat.png",
            "http://not a url/",
    })
    void refusesOtherSchemesAndUserInfoBeforeAnyLookup(String url) {
        assertThat(refused(url).reason()).isEqualTo(Reason.UNSUPPORTED_URL);
        assertNothingWasAttempted();
    }

    @Test
    void aPublicNameIsFetchedFromTheAddressItResolvedTo() throws ImageFetchException {
        FetchedImage image = fetcher.fetch("http://images.example.test/cat.png");

        assertThat(image.bytes()).isEqualTo(TestImages.PNG);
        assertThat(network.lookups()).containsExactly("images.example.test");
        assertThat(network.connections()).containsExactly(new InetSocketAddress(TestNetwork.literal(PUBLIC_IP), 80));
        assertThat(server.requests()).singleElement()
                .satisfies(r -> assertThat(r.headers().getFirst("Host")).isEqualTo("images.example.test"));
    }

    @Test
    void aNameIsResolvedOnceSoRebindingCannotMoveTheConnection() throws ImageFetchException {
        // The classic rebinding attack: a public answer for the check, loopback for the connection.
        network.rebinding("rebind.example.test", PUBLIC_IP, "127.0.0.1");

        FetchedImage image = fetcher.fetch("http://rebind.example.test/cat.png");

        assertThat(image.bytes()).isEqualTo(TestImages.PNG);
        assertThat(network.lookups()).containsExactly("rebind.example.test");
        assertThat(network.connections()).extracting(a -> a.getAddress().getHostAddress()).containsExactly(PUBLIC_IP);
    }

    @Test
    void aRedirectFromAPublicHostToLoopbackIsRefused() {
        server.redirect("/to-loopback", 302, server.url("/cat.png"));

        FetchRefusedException e = refused("http://images.example.test/to-loopback");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_ADDRESS);
        assertThat(e).hasMessageContaining("redirect").hasMessageContaining("127.0.0.1");
        assertThat(server.hits("/to-loopback")).isEqualTo(1);
        assertThat(server.hits("/cat.png")).isZero();
        assertThat(network.connections()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "http://169.254.169.254/latest/meta-data",
            "http://2852039166/latest/meta-data",
            "http://[::ffff:169.254.169.254]/",
            "http://metadata.example.test/latest/meta-data",
            "http://intranet.example.test/",
            "http://localhost/",
    })
    void aRedirectIntoForbiddenAddressesIsRefusedBeforeConnectingThere(String location) {
        server.redirect("/to-forbidden", 301, location);

        FetchRefusedException e = refused("http://images.example.test/to-forbidden");

        assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN_ADDRESS);
        assertThat(network.connections()).extracting(a -> a.getAddress().getHostAddress()).containsExactly(PUBLIC_IP);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ftp://images.example.test/cat.png", "file:///etc/passwd",
            "gopher://images.example.test/", "http://user@images.example.test/cat.png"})
    void aRedirectToAnotherSchemeOrUserInfoIsRefused(String location) {
        server.redirect("/to-elsewhere", 307, location);

        FetchRefusedException e = refused("http://images.example.test/to-elsewhere");

        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_URL);
        assertThat(network.connections()).hasSize(1);
    }

    @Test
    void aRefusalIsABadRequestNamingTheField() {
        ProviderException e = refused("http://169.254.169.254/latest/meta-data")
                .toProviderException("messages[0].content[1].image_url.url");

        assertThat(e.kind()).isEqualTo(ProviderException.Kind.BAD_REQUEST);
        assertThat(e.param()).contains("messages[0].content[1].image_url.url");
        assertThat(e.getMessage()).contains("169.254.169.254");
    }

    private void assertNothingWasAttempted() {
        assertThat(network.lookups()).isEmpty();
        assertThat(network.connections()).isEmpty();
        assertThat(server.totalHits()).isZero();
    }

    private FetchRefusedException refused(String url) {
        return refusedBy(fetcher, url);
    }

    private static FetchRefusedException refusedBy(SafeFetcher fetcher, String url) {
        FetchRefusedException e = catchThrowableOfType(FetchRefusedException.class, () -> fetcher.fetch(url));
        assertThat(e).as("refusal of " + url).isNotNull();
        return e;
    }
}
