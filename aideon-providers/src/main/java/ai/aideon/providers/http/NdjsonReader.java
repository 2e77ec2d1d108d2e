package ai.aideon.providers.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;

/** Reads newline-delimited JSON ({@code application/x-ndjson}), one object per non-blank line. */
public final class NdjsonReader {
    private final LineReader lines;

    public NdjsonReader(InputStream in) {
        this.lines = new LineReader(in);
    }

    /**
     * The next object, or null at end of input. A last line without its newline is used only when it parses: a
     * fragment of a stream that broke mid-line counts as end of input, and callers report the missing terminator.
     *
     * @throws com.fasterxml.jackson.core.JsonProcessingException for a line that is not JSON
     */
    public JsonNode next() throws IOException {
        while (lines.next()) {
            if (isBlank()) {
                continue;
            }
            if (!lines.lineTerminated()) {
                try {
                    return Json.MAPPER.readTree(lines.buffer(), lines.lineStart(), lines.lineLength());
                } catch (JsonProcessingException cut) {
                    return null;
                }
            }
            return Json.MAPPER.readTree(lines.buffer(), lines.lineStart(), lines.lineLength());
        }
        return null;
    }

    private boolean isBlank() {
        byte[] buf = lines.buffer();
        for (int i = lines.lineStart(), end = i + lines.lineLength(); i < end; i++) {
            if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r') {
                return false;
            }
        }
        return true;
    }
}
