package ai.aideon.providers.ollama;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.core.api.Usage;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.http.ErrorMapper;
import ai.aideon.providers.http.NdjsonReader;
import ai.aideon.providers.http.ResponseBody;
import ai.aideon.providers.ollama.wire.OllamaResponseReader;
import ai.aideon.providers.support.UsageEstimator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama's NDJSON stream. Clean end only on the {@code done:true} object, which becomes the final chunk carrying
 * finish reason and usage together. An {@code {"error":…}} line (sent with status 200) or EOF before done fails.
 */
final class OllamaNdjsonStream implements ChatStream {
    private final ResponseBody body;
    private final NdjsonReader lines;
    private final ErrorMapper errors;
    private final ChatRequest request;
    private final String provider;
    private final boolean generate;
    private final StringBuilder delivered = new StringBuilder(256);
    private int toolCallCount;
    private boolean first = true;
    private boolean finished;
    private ProviderException failure;

    OllamaNdjsonStream(ResponseBody body, ErrorMapper errors, ChatRequest request, String provider, boolean generate) {
        this.body = body;
        this.lines = new NdjsonReader(body.stream());
        this.errors = errors;
        this.request = request;
        this.provider = provider;
        this.generate = generate;
    }

    @Override
    public ChatChunk next() throws ProviderException {
        if (failure != null) {
            throw failure;
        }
        if (finished) {
            return null;
        }
        if (body.closedByCaller()) {
            throw closed();
        }
        try {
            return readChunk();
        } catch (ProviderException e) {
            failure = e;
            body.close();
            throw e;
        }
    }

    private ChatChunk readChunk() throws ProviderException {
        while (true) {
            JsonNode line = readLine();
            if (line.has("error")) {
                throw errors.fromInBand(line);
            }
            String text = OllamaResponseReader.text(line, generate);
            List<ToolCall> calls = generate ? List.of() : OllamaResponseReader.toolCalls(line.path("message"),
                    toolCallCount);
            boolean done = line.path("done").asBoolean(false);
            boolean hasText = text != null && !text.isEmpty();
            if (!hasText && calls.isEmpty() && !first && !done) {
                continue;
            }
            if (hasText) {
                delivered.append(text);
            }
            List<ToolCallDelta> deltas = toolCallDeltas(calls);
            String finish = done ? OllamaResponseReader.finishReason(line, toolCallCount > 0) : null;
            ChoiceDelta delta = new ChoiceDelta(0, first ? "assistant" : null, hasText || first ? nz(text) : null,
                    deltas, finish);
            first = false;
            if (!done) {
                return ChatChunk.of(delta);
            }
            finished = true;
            body.closeAfterCleanEnd();
            Usage usage = OllamaResponseReader.usage(line);
            return new ChatChunk(List.of(delta),
                    usage != null ? usage : UsageEstimator.estimate(provider, request, delivered));
        }
    }

    private JsonNode readLine() throws ProviderException {
        JsonNode line;
        try {
            line = lines.next();
        } catch (JsonProcessingException e) {
            throw errors.malformed("stream line is not JSON", e);
        } catch (IOException e) {
            throw body.closedByCaller() ? closed() : body.streamFailure("done:true", e);
        }
        if (line == null) {
            if (body.timedOut()) {
                throw errors.fromIo(new IOException("no data within the idle timeout"), true);
            }
            throw body.closedByCaller() ? closed() : errors.unavailable("stream ended before done:true");
        }
        if (!line.isObject()) {
            throw errors.malformed("stream line is not a JSON object", null);
        }
        return line;
    }

    private List<ToolCallDelta> toolCallDeltas(List<ToolCall> calls) {
        if (calls.isEmpty()) {
            return null;
        }
        List<ToolCallDelta> out = new ArrayList<>(calls.size());
        for (ToolCall c : calls) {
            out.add(new ToolCallDelta(toolCallCount++, c.id(), c.name(), c.argumentsJson()));
            delivered.append(' ').append(c.name()).append(' ').append(c.argumentsJson());
        }
        return out;
    }

    private ProviderException closed() {
        return errors.unavailable("stream closed by the caller");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** After this, {@link #next()} reports "closed by the caller" unless the stream had already ended cleanly. */
    @Override
    public void close() {
        body.close();
    }
}
