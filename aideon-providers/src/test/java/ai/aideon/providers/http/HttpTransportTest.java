package ai.aideon.providers.http;

import ai.aideon.core.api.Source;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The transport against a raw socket server whose answers are written byte by byte: connection reuse, and every
 * way a connection can fail, at the wire level the adapters' fakes do not reach.
 */
@Timeout(10)
class HttpTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] JSON = "{}".getBytes(StandardCharsets.UTF_8);

    private RawServer server;
    private HttpTransport http;
    private URI uri;

    @BeforeEach
    void start() throws IOException {
        server = new RawServer();
        uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions");
        http = new HttpTransport(new ProviderSettings("raw", "openai", Source.CLOUD, uri, Secret.of("sk-test"),
                Duration.ofSeconds(2), Map.of("header.X-Extra", "yes")), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String chat(Duration timeout) throws ProviderException {
        return new String(http.postJson(uri, JSON, timeout, false).readAll(), StandardCharsets.UTF_8);
    }

    @Test
    void fullyReadBodiesAndErrorAnswersKeepTheConnection() throws Exception {
        server.then(json("{\"n\":1}"))
                .then(answer("429 Too Many Requests", "X-Request-ID: req-1\r\nretry-after: 2\r\n",
                        "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}"))
                .then(json("{\"n\":2}"));
        assertThat(chat(TIMEOUT)).isEqualTo("{\"n\":1}");
        ProviderException limited = catchThrowableOfType(ProviderException.class, () -> chat(TIMEOUT));
        assertThat(limited.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(limited.getMessage()).contains("[request-id req-1]");
        assertThat(chat(TIMEOUT)).isEqualTo("{\"n\":2}");
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void requestCarriesKeyExtraHeadersAndAccept() throws Exception {
        server.then(json("{}")).then(sse("data: [DONE]\n\n"));
        chat(TIMEOUT);
        http.postJson(uri, JSON, TIMEOUT, true).close();
        assertThat(server.request(0)).startsWith("POST /v1/chat/completions HTTP/1.1\r\n")
                .containsIgnoringCase("authorization: Bearer sk-test\r\n")
                .containsIgnoringCase("x-extra: yes\r\n")
                .containsIgnoringCase("content-type: application/json\r\n")
                .containsIgnoringCase("accept: application/json\r\n")
                .endsWith("\r\n\r\n{}");
        assertThat(server.request(1)).containsIgnoringCase("accept: text/event-stream, application/x-ndjson\r\n");
    }

    @Test
    void streamReadToItsEndKeepsTheConnection() throws Exception {
        server.then(sse("data: {\"a\":1}\n\n", "data: [DONE]\n\n")).then(json("{}"));
        ResponseBody body = http.postJson(uri, JSON, TIMEOUT, true);
        SseReader sse = new SseReader(body.stream());
        assertThat(sse.next()).isTrue();
        assertThat(sse.next()).isTrue();
        assertThat(sse.isDone()).isTrue();
        body.closeAfterCleanEnd();
        body.close(); // as the gateway does at once when the stream has ended: must not cut the drain short
        Thread.sleep(200); // the drain runs on its own virtual thread
        chat(TIMEOUT);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void abandonedStreamClosesItsConnection() throws Exception {
        server.then(stalledStream()).then(json("{\"n\":2}"));
        ResponseBody body = http.postJson(uri, JSON, TIMEOUT, true);
        assertThat(new SseReader(body.stream()).next()).isTrue();
        body.close();
        // A half-read stream must not go back to the pool: its rest would be read as the next answer.
        assertThat(chat(TIMEOUT)).isEqualTo("{\"n\":2}");
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void bodyAbortedBeforeItWasReadIsNeverPooled() throws Exception {
        // The whole body arrives with the headers; an abort (watchdog, caller) can come before the reader reads it.
        server.then(json("{\"n\":1}")).then(json("{\"n\":2}"));
        ResponseBody body = http.postJson(uri, JSON, TIMEOUT, false);
        Thread.sleep(50);
        Thread aborter = Thread.ofVirtual().start(body::close);
        aborter.join();
        long start = System.nanoTime();
        catchThrowableOfType(IOException.class, () -> body.stream().readAllBytes());
        // Bounds in these tests sit far from the expected time: they tell "ended early" from "waited out the
        // deadline or the stall", and must not fail because a machine is slow.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
        assertThat(chat(TIMEOUT)).isEqualTo("{\"n\":2}");
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void callerCloseUnblocksAReaderWaitingForData() throws Exception {
        server.then(stalledStream());
        ResponseBody body = http.postJson(uri, JSON, TIMEOUT, true);
        SseReader sse = new SseReader(body.stream());
        assertThat(sse.next()).isTrue();
        Thread.ofVirtual().start(() -> {
            sleep(150);
            body.close();
        });
        long start = System.nanoTime();
        catchThrowableOfType(IOException.class, sse::next);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
        assertThat(body.closedByCaller()).isTrue();
    }

    @Test
    void streamCutInsideAChunkIsAFailureNotAnEnd() throws Exception {
        server.then((s, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk("data: {\"a\":1}\n\n") + "40\r\ndata: {\"a\"").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return false;
        });
        ResponseBody body = http.postJson(uri, JSON, TIMEOUT, true);
        SseReader sse = new SseReader(body.stream());
        assertThat(sse.next()).isTrue();
        IOException cut = catchThrowableOfType(IOException.class, sse::next);
        ProviderException e = body.streamFailure("[DONE]", cut);
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("stream ended before [DONE]");
    }

    @Test
    void truncatedBodyIsUnavailable() {
        server.then((s, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return false;
        });
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> chat(TIMEOUT));
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void resetOrCloseBeforeTheStatusLineIsUnavailable() {
        server.then((s, out) -> {
            s.setSoLinger(true, 0);
            s.close();
            return false;
        }).then((s, out) -> false);
        ProviderException reset = catchThrowableOfType(ProviderException.class, () -> chat(TIMEOUT));
        ProviderException closed = catchThrowableOfType(ProviderException.class, () -> chat(TIMEOUT));
        assertThat(reset.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(reset.upstreamStatus()).isZero();
        assertThat(closed.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(closed.getMessage()).contains("connection closed by the upstream");
    }

    @Test
    void refusedConnectionIsUnavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> http.postJson(nowhere, JSON, TIMEOUT, false));
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("connection refused");
    }

    @Test
    void noStatusLineWithinTheTimeoutIsTimeout() {
        server.then((s, out) -> {
            sleep(20_000);
            return false;
        });
        long start = System.nanoTime();
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> chat(Duration.ofMillis(200)));
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void interruptWhileWaitingForTheAnswerIsReportedAsSuch() throws Exception {
        server.then((s, out) -> {
            sleep(20_000);
            return false;
        });
        AtomicReference<ProviderException> failure = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = Thread.ofVirtual().start(() -> {
            failure.set(catchThrowableOfType(ProviderException.class, () -> chat(TIMEOUT)));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        Thread.sleep(200);
        caller.interrupt();
        assertThat(caller.join(Duration.ofSeconds(10))).as("the interrupt ended the call").isTrue();
        assertThat(failure.get().getMessage()).endsWith("interrupted");
        assertThat(stillInterrupted).isTrue();
    }

    @Test
    void bodyThatTricklesPastTheDeadlineIsTimeout() {
        // Every read gets a byte well within the read timeout, so only the call's deadline can stop this body.
        server.then((s, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 400; i++) { // 20 s in all
                out.write(' ');
                out.flush();
                sleep(50);
            }
            return false;
        });
        long start = System.nanoTime();
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> chat(Duration.ofMillis(400)));
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void pooledConnectionClosedByTheServerIsReplaced() throws Exception {
        server.then((s, out) -> {
            json("{\"n\":1}").answer(s, out);
            return false; // closes without saying "Connection: close", as servers do after their idle timeout
        }).then(json("{\"n\":2}"));
        chat(TIMEOUT);
        Thread.sleep(300); // the server's close reaches the idle pooled connection
        assertThat(chat(TIMEOUT)).isEqualTo("{\"n\":2}");
        assertThat(server.connections()).isEqualTo(2);
    }

    // --- the raw server -------------------------------------------------------------------------------------------

    /** Writes one answer; returns whether the connection stays open for the next request. */
    @FunctionalInterface
    interface Answer {
        boolean answer(Socket socket, OutputStream out) throws Exception;
    }

    private static Answer answer(String status, String headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return (s, out) -> {
            out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\n" + headers + "Content-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            return true;
        };
    }

    private static Answer json(String body) {
        return answer("200 OK", "", body);
    }

    private static Answer sse(String... events) {
        return (s, out) -> {
            StringBuilder sb = new StringBuilder(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (String e : events) {
                sb.append(chunk(e));
            }
            out.write(sb.append("0\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        };
    }

    /** One event, then nothing until the client hangs up. */
    private static Answer stalledStream() {
        return (s, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk("data: {\"a\":1}\n\n")).getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (s.getInputStream().read() >= 0) {
                // wait for the client to close
            }
            return false;
        };
    }

    private static String chunk(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Serves scripted answers in order, one connection per virtual thread, and counts connections. */
    private static final class RawServer implements AutoCloseable {
        private final ServerSocket ss = new ServerSocket(0);
        private final BlockingQueue<Answer> script = new LinkedBlockingQueue<>();
        private final List<String> seen = new CopyOnWriteArrayList<>();
        private final AtomicInteger connections = new AtomicInteger();

        RawServer() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!ss.isClosed()) {
                    try {
                        Socket s = ss.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return ss.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        RawServer then(Answer a) {
            script.add(a);
            return this;
        }

        String request(int i) {
            return seen.get(i);
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                String request;
                while ((request = readRequest(in)) != null) {
                    seen.add(request);
                    Answer a = script.poll(5, TimeUnit.SECONDS);
                    if (a == null || !a.answer(s, out)) {
                        return;
                    }
                }
            } catch (Exception ignored) {
                // the client hung up; that is what several tests do on purpose
            }
        }

        /** Headers and a Content-Length body as text, or null at EOF. */
        private static String readRequest(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while (!(head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n"))) {
                if ((b = in.read()) < 0) {
                    return null;
                }
                head.append((char) b);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            try {
                ss.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
