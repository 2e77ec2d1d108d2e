package ai.aideon.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpResponseReaderTest {

    /** Hands out at most {@code step} bytes per read, to exercise every split point. */
    private static InputStream trickle(String s, int step) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    private static String sseChunked(String... events) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        for (String e : events) {
            int len = e.getBytes(StandardCharsets.UTF_8).length;
            sb.append(Integer.toHexString(len)).append(";ext=1\r\n").append(e).append("\r\n");
        }
        return sb.append("0\r\nX-Trailer: y\r\n\r\n").toString();
    }

    @Test
    void reads_content_length_body_and_leaves_the_next_response_intact() throws IOException {
        String one = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\nX-Other: a:b\r\n\r\nhello";
        String two = "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"error\":{}}";
        for (int step = 1; step <= 8; step++) {
            HttpResponseReader r = new HttpResponseReader(trickle(one + two, step), 64);

            assertThat(r.read(false)).isEqualTo(200);
            assertThat(r.bodyBytes()).isEqualTo(5);
            assertThat(r.connectionClose()).isFalse();
            assertThat(r.firstBodyByteNanos()).isPositive();

            assertThat(r.read(false)).isEqualTo(429);
            assertThat(r.bodyBytes()).isEqualTo(12);
            assertThat(r.connectionClose()).isTrue();
            assertThat(r.snippet()).isEqualTo("{\"error\":{}}");
        }
    }

    @Test
    void finds_done_across_chunk_and_read_boundaries() throws IOException {
        String resp = sseChunked("data: {\"choices\":[]}\n\n", "data: [DO", "NE]\n\n");
        for (int step = 1; step <= 16; step++) {
            HttpResponseReader r = new HttpResponseReader(trickle(resp + resp, step), 64);
            for (int i = 0; i < 2; i++) {
                assertThat(r.read(true)).isEqualTo(200);
                assertThat(r.sawDone()).isTrue();
                assertThat(r.sawErrorEvent()).isFalse();
            }
        }
    }

    @Test
    void a_stream_without_done_or_with_an_error_event_is_reported() throws IOException {
        HttpResponseReader noDone = new HttpResponseReader(trickle(sseChunked("data: {\"x\":1}\n\n"), 7));
        noDone.read(true);
        assertThat(noDone.sawDone()).isFalse();

        HttpResponseReader error = new HttpResponseReader(trickle(
                sseChunked("data: {\"x\":1}\n\n", "data: {\"error\":{\"message\":\"boom\"}}\n\n"), 5));
        error.read(true);
        assertThat(error.sawErrorEvent()).isTrue();
        assertThat(error.sawDone()).isFalse();
    }

    @Test
    void a_body_without_length_runs_to_end_of_stream_and_closes() throws IOException {
        HttpResponseReader r = new HttpResponseReader(trickle("HTTP/1.1 200 OK\r\n\r\ndata: [DONE]\n\n", 3));

        assertThat(r.read(true)).isEqualTo(200);
        assertThat(r.sawDone()).isTrue();
        assertThat(r.connectionClose()).isTrue();
    }

    @Test
    void skips_interim_100_continue() throws IOException {
        HttpResponseReader r = new HttpResponseReader(trickle(
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 4));

        assertThat(r.read(false)).isEqualTo(200);
        assertThat(r.bodyBytes()).isEqualTo(2);
    }

    @Test
    void a_truncated_body_or_garbage_is_an_error() {
        assertThatThrownBy(() -> new HttpResponseReader(trickle("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 2))
                .read(false)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> new HttpResponseReader(trickle("SSH-2.0-OpenSSH\r\n", 2)).read(false))
                .isInstanceOf(IOException.class).hasMessageContaining("not an HTTP status line");
        assertThatThrownBy(() -> new HttpResponseReader(trickle("", 2)).read(false))
                .isInstanceOf(EOFException.class).hasMessageContaining("closed by peer");
    }

    @Test
    void kmp_matcher_handles_partial_overlaps() {
        HttpResponseReader.Matcher m = new HttpResponseReader.Matcher("aab".getBytes(StandardCharsets.US_ASCII));
        for (byte b : "aaab".getBytes(StandardCharsets.US_ASCII)) m.feed(b);
        assertThat(m.matched).isTrue();
    }
}
