package ai.aideon.providers.fetch;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static ai.aideon.providers.fetch.SafeFetcherTest.failed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * https over the pinned connection: the socket goes to the checked address, while SNI and the certificate check use
 * the URL's host name. The server's certificate is made for this run with the JDK's keytool and is valid for
 * {@code images.example.test} only.
 */
@Timeout(30)
class SafeFetcherTlsTest {
    private static final String HOST = "images.example.test";
    private static final String PUBLIC_IP = "93.184.215.14";
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path keys;

    private static HttpsServer server;
    private static SSLSocketFactory trustingTheTestCertificate;
    private static final List<String> requestedServerNames = new CopyOnWriteArrayList<>();

    private TestNetwork network;

    @BeforeAll
    static void startServer() throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeTrue(Files.isExecutable(keytool), "keytool is needed to make the test certificate");
        Path keyStoreFile = keys.resolve("server.p12");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + HOST, "-ext", "SAN=dns:" + HOST, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStoreFile.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStoreFile)) {
            keyStore.load(in, PASSWORD);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, PASSWORD);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keyManagers.getKeyManagers(), null, null);

        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("server", keyStore.getCertificate("server"));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trustStore);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trustManagers.getTrustManagers(), null);
        trustingTheTestCertificate = clientContext.getSocketFactory();

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/cat.png", exchange -> {
            try (exchange) {
                ExtendedSSLSession session = (ExtendedSSLSession) ((HttpsExchange) exchange).getSSLSession();
                for (SNIServerName name : session.getRequestedServerNames()) {
                    requestedServerNames.add(((SNIHostName) name).getAsciiName());
                }
                exchange.getResponseHeaders().set("Content-Type", "image/png");
                exchange.sendResponseHeaders(200, TestImages.PNG.length);
                exchange.getResponseBody().write(TestImages.PNG);
            }
        });
        server.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @BeforeEach
    void network() {
        requestedServerNames.clear();
        int port = server.getAddress().getPort();
        network = new TestNetwork()
                .name(HOST, PUBLIC_IP)
                .routeToLoopback(PUBLIC_IP, port, port)
                .name("other.example.test", PUBLIC_IP);
    }

    @Test
    void fetchesOverTlsFromThePinnedAddressWithSniAndTheCertificateCheckedForTheName() throws Exception {
        // Production policy: the name resolves to a (stand-in) public address, routed to the local TLS server.
        SafeFetcher fetcher = fetcher(SafeFetcher.Settings.defaults(), trustingTheTestCertificate);

        FetchedImage image = fetcher.fetch(url(HOST));

        assertThat(image.bytes()).isEqualTo(TestImages.PNG);
        assertThat(network.connections()).extracting(a -> a.getAddress().getHostAddress()).containsExactly(PUBLIC_IP);
        assertThat(requestedServerNames).containsExactly(HOST);
    }

    @Test
    void aCertificateForAnotherNameFailsEvenAtTheRightAddress() {
        // Same address, same server; the URL names a host the certificate is not for.
        FetchFailedException e = failed(fetcher(SafeFetcher.Settings.defaults(), trustingTheTestCertificate),
                url("other.example.test"));

        assertThat(e.reason()).isEqualTo(FetchFailedException.Reason.TLS);
        // The name check, not trust, is what failed.
        assertThat(e).hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                .rootCause().hasMessageContaining("other.example.test");
        assertThat(requestedServerNames).isEmpty(); // the handshake never reached the handler
    }

    @Test
    void anIpLiteralIsCheckedAgainstTheCertificateToo() {
        SafeFetcher.Settings loopbackAllowed =
                SafeFetcher.Settings.defaults().withAddressPolicy(AddressPolicy.allowLoopbackForTests());

        FetchFailedException e = failed(fetcher(loopbackAllowed, trustingTheTestCertificate), url("127.0.0.1"));

        assertThat(e.reason()).isEqualTo(FetchFailedException.Reason.TLS);
        assertThat(e).rootCause().hasMessageContaining("127.0.0.1");
    }

    @Test
    void anUntrustedCertificateFails() {
        // The JDK's default trust store does not know the certificate made for this run.
        FetchFailedException e = failed(
                fetcher(SafeFetcher.Settings.defaults(), (SSLSocketFactory) SSLSocketFactory.getDefault()), url(HOST));

        assertThat(e.reason()).isEqualTo(FetchFailedException.Reason.TLS);
    }

    private SafeFetcher fetcher(SafeFetcher.Settings settings, SSLSocketFactory tls) {
        return new SafeFetcher(settings, network.resolver(), network.connector(), tls);
    }

    private static String url(String host) {
        return "https://" + host + ":" + server.getAddress().getPort() + "/cat.png";
    }
}
