package ai.aideon.providers.fetch;

import ai.aideon.providers.fetch.FetchFailedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static ai.aideon.providers.fetch.SafeFetcherTest.failed;
import static ai.aideon.providers.fetch.SafeFetcherTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written HTTP/1.1 reader against responses written byte for byte. */
@Timeout(10)
class SafeFetcherWireTest {
    private final TestNetwork network = new TestNetwork();

    @Test
    void readsABodyThatEndsWithTheConnection() throws Exception {
        try (RawServer server = RawServer.answering("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n",
                TestImages.PNG)) {
            assertThat(fetcher(1024 * 1024).fetch(server.url("/")).bytes()).isEqualTo(TestImages.PNG);
        }
    }

    @Test
    void aBodyWithoutLengthIsCutOffAtTheLimit() throws Exception {
        byte[] big = Arrays.copyOf(TestImages.PNG, 200_000);
        try (RawServer server = RawServer.answering("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n", big)) {
            assertThat(refused(fetcher(100_000), server.url("/")).reason())
                    .isEqualTo(FetchRefusedException.Reason.TOO_LARGE);
        }
    }

    @Test
    void readsAChunkedBodyWithExtensionsAndTrailers() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n"));
        int half = TestImages.PNG.length / 2;
        body.write(ascii(Integer.toHexString(half) + ";name=value\r\n"));
        body.write(TestImages.PNG, 0, half);
        body.write(ascii("\r\n" + Integer.toHexString(TestImages.PNG.length - half).toUpperCase() + "\r\n"));
        body.write(TestImages.PNG, half, TestImages.PNG.length - half);
        body.write(ascii("\r\n0\r\nX-Trailer: yes\r\n\r\n"));
        try (RawServer server = new RawServer(out -> out.write(body.toByteArray()))) {
            assertThat(fetcher(1024 * 1024).fetch(server.url("/")).bytes()).isEqualTo(TestImages.PNG);
        }
    }

    @Test
    void skipsInterimResponses() throws Exception {
        try (RawServer server = RawServer.answering("HTTP/1.1 103 Early Hints\r\nLink: </x.css>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: " + TestImages.PNG.length
                + "\r\n\r\n", TestImages.PNG)) {
            assertThat(fetcher(1024 * 1024).fetch(server.url("/")).mediaType()).isEqualTo("image/png");
        }
    }

    @Test
    void acceptsBareLineFeeds() throws Exception {
        try (RawServer server = RawServer.answering("HTTP/1.0 200 OK\nContent-Type: image/png\n\n", TestImages.PNG)) {
            assertThat(fetcher(1024 * 1024).fetch(server.url("/")).bytes()).isEqualTo(TestImages.PNG);
        }
    }

    @Test
    void malformedResponsesAreBadResponses() throws Exception {
        String png = "Content-Type: image/png\r\n";
        String[] heads = {
                "",                                                                      // no head, just bytes
                "SSH-2.0-OpenSSH_9.6\r\n\r\n",                                           // not HTTP
                "HTTP/2 200\r\n" + png + "\r\n",                                         // not HTTP/1.x
                "HTTP/1.1 200 OK\r\n" + png + "Content-Length: 10\r\nContent-Length: 11\r\n\r\n",
                "HTTP/1.1 200 OK\r\n" + png + "Content-Length: -1\r\n\r\n",
                "HTTP/1.1 200 OK\r\n" + png + "Content-Length: 100000\r\n\r\n",            // body cut short
                "HTTP/1.1 200 OK\r\n" + png + "Transfer-Encoding: gzip, chunked\r\n\r\n",
                "HTTP/1.1 200 OK\r\n" + png + "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\n" + png + "Content-Encoding: gzip\r\n\r\n",
                "HTTP/1.1 200 OK\r\n" + png + " folded: continuation\r\n\r\n",
                "HTTP/1.1 200 OK\r\n" + png + "X-Long: " + "a".repeat(10_000) + "\r\n\r\n",
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
                "HTTP/1.1 200 OK\r\n" + png,                                             // head runs into binary
        };
        for (String head : heads) {
            try (RawServer server = RawServer.answering(head, TestImages.PNG)) {
                FetchFailedException e = failed(fetcher(1024 * 1024), server.url("/"));
                assertThat(e.reason()).as(head).isEqualTo(Reason.BAD_RESPONSE);
            }
        }
    }

    @Test
    void aServerThatNeverAnswersRunsIntoTheDeadline() throws Exception {
        try (RawServer server = new RawServer(out -> ImageServer.sleep(5_000))) {
            SafeFetcher fetcher = new SafeFetcher(settings(1024).withDeadline(java.time.Duration.ofMillis(300)),
                    network.resolver(), network.connector(), (SSLSocketFactory) SSLSocketFactory.getDefault());

            assertThat(failed(fetcher, server.url("/")).reason()).isEqualTo(Reason.TIMEOUT);
        }
    }

    private SafeFetcher fetcher(long maxBytes) {
        return new SafeFetcher(settings(maxBytes), network.resolver(), network.connector(),
                (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    private static SafeFetcher.Settings settings(long maxBytes) {
        return SafeFetcher.Settings.defaults().withMaxBytes(maxBytes)
                .withAddressPolicy(AddressPolicy.allowLoopbackForTests());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
