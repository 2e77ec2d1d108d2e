package ai.aideon.providers.fetch;

import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.fetch.FetchFailedException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Fetching for real from a server on 127.0.0.1, under the test policy (loopback allowed, everything else as in
 * production): images come back; redirects, size, time and content-type limits hold; failures are reported as
 * failures, not refusals.
 */
@Timeout(20)
class SafeFetcherTest {
    private static final Duration SHORT_DEADLINE = Duration.ofMillis(600);

    private ImageServer server;
    private TestNetwork network;

    @BeforeEach
    void start() throws IOException {
        server = new ImageServer()
                .serve("/cat.png", "image/png", TestImages.PNG)
                .serve("/cat.jpg", "image/jpeg", TestImages.JPEG)
                .serve("/cat.gif", "image/gif", TestImages.GIF)
                .serve("/cat.webp", "image/webp", TestImages.WEBP)
                .serve("/cat-with-charset.png", "Image/PNG; charset=binary", TestImages.PNG);
        network = new TestNetwork().name("metadata.example.test", "169.254.169.254");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // --- Fetching ---------------------------------------------------------------------------------------------------

    @Test
    void fetchesAPng() throws ImageFetchException {
        FetchedImage image = fetcher().fetch(server.url("/cat.png"));

        assertThat(image.mediaType()).isEqualTo("image/png");
        assertThat(image.bytes()).isEqualTo(TestImages.PNG);
        assertThat(network.connections()).allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
    }

    @Test
    void fetchesEachAllowedType() throws ImageFetchException {
        SafeFetcher fetcher = fetcher();

        assertThat(fetcher.fetch(server.url("/cat.jpg")).mediaType()).isEqualTo("image/jpeg");
        assertThat(fetcher.fetch(server.url("/cat.gif")).mediaType()).isEqualTo("image/gif");
        assertThat(fetcher.fetch(server.url("/cat.webp")).mediaType()).isEqualTo("image/webp");
        assertThat(fetcher.fetch(server.url("/cat-with-charset.png")).mediaType()).isEqualTo("image/png");
    }

    @Test
    void sendsAMinimalGetWithHostPathAndQuery() throws ImageFetchException {
        fetcher().fetch(server.url("/cat.png?size=small&sig=a%2Bb#ignored"));

        ImageServer.Request request = server.requests().get(0);
        assertThat(request.path()).isEqualTo("/cat.png");
        assertThat(request.query()).isEqualTo("size=small&sig=a%2Bb");
        assertThat(request.headers().getFirst("Host")).isEqualTo("127.0.0.1:" + server.port());
        assertThat(request.headers().getFirst("Accept-Encoding")).isEqualTo("identity");
        assertThat(request.headers().getFirst("Connection")).isEqualTo("close");
        assertThat(request.headers().getFirst("Accept")).contains("image/png", "image/jpeg", "image/gif", "image/webp");
        assertThat(request.headers()).doesNotContainKey("Authorization").doesNotContainKey("Cookie");
    }

    @Test
    void loadDecodesDataUrisAndFetchesUrls() throws ImageFetchException {
        SafeFetcher fetcher = fetcher();
        String dataUri = "data:image/gif;base64," + Base64.getEncoder().encodeToString(TestImages.GIF);

        assertThat(fetcher.load(dataUri)).isEqualTo(new FetchedImage(TestImages.GIF, "image/gif"));
        assertThat(fetcher.load(server.url("/cat.png"))).isEqualTo(new FetchedImage(TestImages.PNG, "image/png"));
        assertThat(server.totalHits()).isEqualTo(1);
    }

    // --- Redirects --------------------------------------------------------------------------------------------------

    @Test
    void followsRedirectsOfEveryKindUpToTheLimit() throws ImageFetchException {
        server.redirect("/r1", 301, "/r2")                    // relative
                .redirect("/r2", 302, server.url("/r3"))      // absolute
                .redirect("/r3", 303, "r4")                   // relative to the directory
                .redirect("/r4", 307, "/cat.png");

        FetchedImage image = fetcher(settings().withMaxRedirects(4)).fetch(server.url("/r1"));

        assertThat(image.bytes()).isEqualTo(TestImages.PNG);
        assertThat(network.connections()).hasSize(5);
    }

    @Test
    void a308IsFollowedToo() throws ImageFetchException {
        server.redirect("/moved", 308, "/cat.png");

        assertThat(fetcher().fetch(server.url("/moved")).mediaType()).isEqualTo("image/png");
    }

    @Test
    void aRedirectIntoTheMetadataServiceIsRefusedEvenWhenLoopbackIsAllowed() {
        server.redirect("/to-metadata", 302, "http://169.254.169.254/latest/meta-data/");

        FetchRefusedException e = refused(fetcher(), server.url("/to-metadata"));

        assertThat(e.reason()).isEqualTo(FetchRefusedException.Reason.FORBIDDEN_ADDRESS);
        assertThat(e).hasMessageContaining("169.254.169.254");
        // One connection, to the local server; none towards 169.254.169.254 (the test connector would have failed).
        assertThat(network.connections()).singleElement()
                .satisfies(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
    }

    @Test
    void aRedirectToANameForTheMetadataServiceIsRefused() {
        server.redirect("/to-metadata-name", 302, "http://metadata.example.test/latest/meta-data");

        assertThat(refused(fetcher(), server.url("/to-metadata-name")).reason())
                .isEqualTo(FetchRefusedException.Reason.FORBIDDEN_ADDRESS);
        assertThat(network.lookups()).containsExactly("metadata.example.test");
        assertThat(network.connections()).hasSize(1);
    }

    @Test
    void aRedirectToAPrivateAddressIsRefused() {
        server.redirect("/to-private", 302, "http://10.0.0.1/cat.png");

        assertThat(refused(fetcher(), server.url("/to-private")).reason())
                .isEqualTo(FetchRefusedException.Reason.FORBIDDEN_ADDRESS);
    }

    @Test
    void redirectLoopsStopAtTheLimit() {
        server.redirect("/loop", 302, "/loop");

        FetchRefusedException e = refused(fetcher(), server.url("/loop"));

        assertThat(e.reason()).isEqualTo(FetchRefusedException.Reason.TOO_MANY_REDIRECTS);
        assertThat(server.hits("/loop")).isEqualTo(4); // the first request and three redirects
    }

    @Test
    void withNoRedirectsAllowedTheFirstOneIsRefused() {
        server.redirect("/moved", 301, "/cat.png");

        FetchRefusedException e = refused(fetcher(settings().withMaxRedirects(0)), server.url("/moved"));

        assertThat(e.reason()).isEqualTo(FetchRefusedException.Reason.TOO_MANY_REDIRECTS);
        assertThat(server.hits("/cat.png")).isZero();
    }

    @Test
    void aRedirectWithoutLocationIsABadResponse() {
        server.route("/nowhere", exchange -> exchange.sendResponseHeaders(302, -1));

        assertThat(failed(fetcher(), server.url("/nowhere")).reason()).isEqualTo(Reason.BAD_RESPONSE);
    }

    // --- Size -------------------------------------------------------------------------------------------------------

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() {
        server.route("/huge", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, 30L * 1024 * 1024);
            exchange.getResponseBody().write(TestImages.PNG);
            exchange.getResponseBody().flush();
            ImageServer.sleep(30_000); // the rest would take a while; the fetcher must not wait for it
        });

        long start = System.nanoTime();
        FetchRefusedException e = refused(fetcher(), server.url("/huge"));

        assertThat(e.reason()).isEqualTo(FetchRefusedException.Reason.TOO_LARGE);
        assertThat(e).hasMessageContaining(String.valueOf(20L * 1024 * 1024));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aChunkedBodyIsCutOffOnceItPassesTheLimit() {
        byte[] chunk = Arrays.copyOf(TestImages.PNG, 64 * 1024);
        server.route("/endless", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, 0); // chunked
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < 10_000; i++) { // 640 MB, unless the fetcher hangs up
                out.write(chunk);
                out.flush();
            }
        });

        FetchRefusedException e = refused(fetcher(settings().withMaxBytes(256 * 1024)), server.url("/endless"));

        assertThat(e.reason()).isEqualTo(FetchRefusedException.Reason.TOO_LARGE);
    }

    @Test
    void aBodyOfExactlyTheLimitIsAccepted() throws ImageFetchException {
        FetchedImage image = fetcher(settings().withMaxBytes(TestImages.PNG.length)).fetch(server.url("/cat.png"));

        assertThat(image.size()).isEqualTo(TestImages.PNG.length);
        assertThat(refused(fetcher(settings().withMaxBytes(TestImages.PNG.length - 1)), server.url("/cat.png"))
                .reason()).isEqualTo(FetchRefusedException.Reason.TOO_LARGE);
    }

    // --- Time -------------------------------------------------------------------------------------------------------

    @Test
    void aSlowBodyRunsIntoTheDeadline() {
        server.route("/slow-body", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, TestImages.PNG.length);
            exchange.getResponseBody().write(TestImages.PNG, 0, 16);
            exchange.getResponseBody().flush();
            ImageServer.sleep(5_000);
        });

        assertTimesOut(server.url("/slow-body"));
    }

    @Test
    void aBodyTricklingInFasterThanAnyReadTimeoutStillRunsIntoTheDeadline() {
        // One byte every 50 ms: each read succeeds quickly, so only a deadline over the whole fetch stops this.
        server.route("/trickle", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, TestImages.PNG.length);
            ImageServer.writeSlowly(exchange.getResponseBody(), TestImages.PNG, 50);
        });

        assertTimesOut(server.url("/trickle"));
    }

    @Test
    void slowHeadersRunIntoTheDeadline() {
        server.route("/slow-headers", exchange -> {
            ImageServer.sleep(5_000);
            exchange.sendResponseHeaders(200, -1);
        });

        assertTimesOut(server.url("/slow-headers"));
    }

    @Test
    void theDeadlineCoversAllRedirectsTogether() {
        server.route("/slow-redirect", exchange -> {
            ImageServer.sleep(250);
            exchange.getResponseHeaders().set("Location", "/slow-redirect");
            exchange.sendResponseHeaders(302, -1);
        });

        // Each hop alone fits in the deadline; three of them do not.
        assertTimesOut(server.url("/slow-redirect"));
    }

    @Test
    void aSlowLookupRunsIntoTheDeadline() {
        SafeFetcher fetcher = new SafeFetcher(settings().withDeadline(SHORT_DEADLINE), host -> {
            ImageServer.sleep(30_000);
            return List.of(InetAddress.getLoopbackAddress());
        }, network.connector(), (SSLSocketFactory) SSLSocketFactory.getDefault());

        long start = System.nanoTime();
        FetchFailedException e = failed(fetcher, "http://slow-dns.example.test/cat.png");

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(network.connections()).isEmpty();
    }

    // --- Content type -----------------------------------------------------------------------------------------------

    @Test
    void aPngServedAsHtmlIsRefused() {
        server.serve("/png-as-html", "text/html", TestImages.PNG);

        FetchRefusedException e = refused(fetcher(), server.url("/png-as-html"));

        assertThat(e.reason()).isEqualTo(FetchRefusedException.Reason.NOT_AN_ALLOWED_IMAGE);
        assertThat(e).hasMessageContaining("text/html");
    }

    @Test
    void genericAndMissingContentTypesAreRefused() {
        server.serve("/octets", "application/octet-stream", TestImages.PNG)
                .serve("/svg", "image/svg+xml", "<svg/>".getBytes())
                .route("/untyped", exchange -> {
                    exchange.sendResponseHeaders(200, TestImages.PNG.length);
                    exchange.getResponseBody().write(TestImages.PNG);
                });

        for (String path : List.of("/octets", "/svg", "/untyped")) {
            assertThat(refused(fetcher(), server.url(path)).reason()).as(path)
                    .isEqualTo(FetchRefusedException.Reason.NOT_AN_ALLOWED_IMAGE);
        }
    }

    @Test
    void htmlServedAsPngIsRefusedByItsSignature() {
        server.serve("/html-as-png", "image/png", TestImages.HTML);

        FetchRefusedException e = refused(fetcher(), server.url("/html-as-png"));

        assertThat(e.reason()).isEqualTo(FetchRefusedException.Reason.NOT_AN_ALLOWED_IMAGE);
        assertThat(e).hasMessageContaining("not a recognised image");
    }

    @Test
    void aJpegServedAsPngIsRefused() {
        server.serve("/jpeg-as-png", "image/png", TestImages.JPEG);

        assertThat(refused(fetcher(), server.url("/jpeg-as-png"))).hasMessageContaining("image/jpeg");
    }

    @Test
    void aTypeLeftOutOfTheAllowedSetIsRefused() {
        SafeFetcher.Settings pngOnly = new SafeFetcher.Settings(1024 * 1024, Duration.ofSeconds(1),
                Duration.ofSeconds(5), 3, java.util.Set.of("image/png"), AddressPolicy.allowLoopbackForTests());

        assertThat(refused(fetcher(pngOnly), server.url("/cat.gif")).reason())
                .isEqualTo(FetchRefusedException.Reason.NOT_AN_ALLOWED_IMAGE);
    }

    // --- Failures of the image host ---------------------------------------------------------------------------------

    @Test
    void anErrorStatusIsAFailureWithTheStatus() {
        FetchFailedException e = failed(fetcher(), server.url("/missing.png?sig=SECRET"));

        assertThat(e.reason()).isEqualTo(Reason.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e).hasMessageContaining("404").hasMessageNotContaining("SECRET");
    }

    @Test
    void aClosedPortIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }

        FetchFailedException e = failed(fetcher(), "http://127.0.0.1:" + closedPort + "/cat.png");

        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
    }

    @Test
    void anUnknownNameIsUnreachable() {
        FetchFailedException e = failed(fetcher(), "http://no-such-host.example.test/cat.png");

        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(e).hasMessageContaining("no-such-host.example.test");
        assertThat(network.connections()).isEmpty();
    }

    @Test
    void aFailureIsAlsoABadRequestSoItDoesNotCountAgainstTheEnginesHealth() {
        ProviderException e = failed(fetcher(), server.url("/missing.png"))
                .toProviderException("messages[0].content[0].image_url.url");

        assertThat(e.kind()).isEqualTo(ProviderException.Kind.BAD_REQUEST);
        assertThat(e.param()).contains("messages[0].content[0].image_url.url");
        assertThat(e.getCause()).isInstanceOf(FetchFailedException.class);
    }

    // --- Helpers ----------------------------------------------------------------------------------------------------

    private void assertTimesOut(String url) {
        long start = System.nanoTime();
        FetchFailedException e = failed(fetcher(settings().withDeadline(SHORT_DEADLINE)), url);

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SHORT_DEADLINE.plusSeconds(1));
    }

    private static SafeFetcher.Settings settings() {
        return SafeFetcher.Settings.defaults().withAddressPolicy(AddressPolicy.allowLoopbackForTests());
    }

    private SafeFetcher fetcher() {
        return fetcher(settings());
    }

    private SafeFetcher fetcher(SafeFetcher.Settings settings) {
        return new SafeFetcher(settings, network.resolver(), network.connector(),
                (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    static FetchRefusedException refused(SafeFetcher fetcher, String url) {
        ImageFetchException e = catchThrowableOfType(ImageFetchException.class, () -> fetcher.fetch(url));
        assertThat(e).as("outcome of " + url).isInstanceOf(FetchRefusedException.class);
        return (FetchRefusedException) e;
    }

    static FetchFailedException failed(SafeFetcher fetcher, String url) {
        ImageFetchException e = catchThrowableOfType(ImageFetchException.class, () -> fetcher.fetch(url));
        assertThat(e).as("outcome of " + url).isInstanceOf(FetchFailedException.class);
        return (FetchFailedException) e;
    }
}
