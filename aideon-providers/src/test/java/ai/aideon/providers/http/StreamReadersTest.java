package ai.aideon.providers.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamReadersTest {

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> events(String wire) throws IOException {
        SseReader r = new SseReader(in(wire));
        List<String> out = new ArrayList<>();
        while (r.next()) {
            out.add((r.eventName() == null ? "" : r.eventName() + "|") + r.dataAsString()
                    + (r.truncated() ? "(truncated)" : ""));
        }
        return out;
    }

    @Test
    void sseFramingVariants() throws IOException {
        assertThat(events("data: {\"a\":1}\n\ndata:{\"b\":2}\r\n\r\n: keep-alive comment\n\ndata: [DONE]\n\n"))
                .containsExactly("{\"a\":1}", "{\"b\":2}", "[DONE]");
        assertThat(events("event: error\ndata: {\"x\":\"é\"}\nid: 7\n\n")).containsExactly("error|{\"x\":\"é\"}");
        assertThat(events("data: line1\ndata: line2\n\n")).containsExactly("line1\nline2");
    }

    @Test
    void sseEndOfInputWithoutBlankLineStillDispatchesButFlagsACut() throws IOException {
        assertThat(events("data: [DONE]\n")).containsExactly("[DONE]");
        assertThat(events("data: {\"a\":1}\n\ndata: {\"cho")).containsExactly("{\"a\":1}", "{\"cho(truncated)");
    }

    @Test
    void sseDoneDetection() throws IOException {
        SseReader r = new SseReader(in("data: [DONE]\n\n"));
        assertThat(r.next()).isTrue();
        assertThat(r.isDone()).isTrue();
        assertThat(r.next()).isFalse();
    }

    @Test
    void linesLongerThanTheBufferAreReassembled() throws IOException {
        String big = "x".repeat(100_000);
        assertThat(events("data: " + big + "\n\ndata: small\n\n")).containsExactly(big, "small");
    }

    @Test
    void ndjsonSkipsBlankLinesAndDropsACutLastLine() throws IOException {
        NdjsonReader r = new NdjsonReader(in("{\"a\":1}\n\n  \n{\"b\":2}\n{\"c\":"));
        List<JsonNode> out = new ArrayList<>();
        JsonNode n;
        while ((n = r.next()) != null) {
            out.add(n);
        }
        assertThat(out).extracting(JsonNode::toString).containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void ndjsonAcceptsACompleteLastLineWithoutNewline() throws IOException {
        NdjsonReader r = new NdjsonReader(in("{\"done\":true}"));
        assertThat(r.next().get("done").asBoolean()).isTrue();
        assertThat(r.next()).isNull();
    }
}
