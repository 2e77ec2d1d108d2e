package ai.aideon.providers.openai;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.http.ErrorMapper;
import ai.aideon.providers.http.Json;
import ai.aideon.providers.http.ResponseBody;
import ai.aideon.providers.http.SseReader;
import ai.aideon.providers.http.UpstreamError;
import ai.aideon.providers.openai.wire.ChunkReader;
import ai.aideon.providers.support.UsageEstimator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;

/**
 * An OpenAI-style SSE stream. Clean end only on {@code data: [DONE]}; EOF before it, an in-band error object or a
 * watchdog timeout are failures. When the upstream never reported usage, a counted usage-only chunk is emitted
 * just before the end so the gateway can always charge.
 */
final class OpenAiSseStream implements ChatStream {
    private final ResponseBody body;
    private final SseReader sse;
    private final ErrorMapper errors;
    private final ChatRequest request;
    private final String provider;
    private final boolean legacy;
    /** What the stream delivered, kept only to count usage if the upstream never reports it. */
    private final StringBuilder delivered = new StringBuilder(256);
    private boolean usageSeen;
    private boolean doneSeen;
    private boolean finished;
    private ProviderException failure;

    OpenAiSseStream(ResponseBody body, ErrorMapper errors, ChatRequest request, String provider, boolean legacy) {
        this.body = body;
        this.sse = new SseReader(body.stream());
        this.errors = errors;
        this.request = request;
        this.provider = provider;
        this.legacy = legacy;
    }

    @Override
    public ChatChunk next() throws ProviderException {
        if (failure != null) {
            throw failure;
        }
        if (finished) {
            return null;
        }
        if (doneSeen) {
            finished = true;
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
            boolean hasEvent;
            try {
                hasEvent = sse.next();
            } catch (IOException e) {
                throw body.closedByCaller() ? closed() : body.streamFailure("[DONE]", e);
            }
            if (!hasEvent) {
                throw endedEarly();
            }
            if (sse.isDone()) {
                doneSeen = true;
                body.closeAfterCleanEnd();
                if (usageSeen) {
                    finished = true;
                    return null;
                }
                return ChatChunk.usageOnly(UsageEstimator.estimate(provider, request, delivered));
            }
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(sse.data(), 0, sse.dataLength());
            } catch (JsonProcessingException e) {
                throw sse.truncated() ? endedEarly() : errors.malformed("stream event is not JSON", e);
            } catch (IOException e) {
                throw errors.malformed("stream event", e);
            }
            if (node == null || !node.isObject()) {
                throw errors.malformed("stream event is not a JSON object", null);
            }
            if (UpstreamError.isErrorDocument(node) || "error".equals(sse.eventName())) {
                throw errors.fromInBand(node);
            }
            ChatChunk chunk = ChunkReader.read(node, legacy);
            if (chunk.usage() != null) {
                usageSeen = true;
            } else if (!usageSeen) {
                remember(chunk);
            }
            if (!chunk.choices().isEmpty() || chunk.usage() != null) {
                return chunk;
            }
        }
    }

    private void remember(ChatChunk chunk) {
        for (ChoiceDelta d : chunk.choices()) {
            if (d.content() != null) {
                delivered.append(d.content());
            }
            for (ToolCallDelta t : d.toolCalls()) {
                if (t.name() != null) {
                    delivered.append(' ').append(t.name()).append(' ');
                }
                if (t.argumentsFragment() != null) {
                    delivered.append(t.argumentsFragment());
                }
            }
        }
    }

    private ProviderException endedEarly() {
        if (body.timedOut()) {
            return errors.fromIo(new IOException("no data within the idle timeout"), true);
        }
        return body.closedByCaller() ? closed() : errors.unavailable("stream ended before [DONE]");
    }

    private ProviderException closed() {
        return errors.unavailable("stream closed by the caller");
    }

    /** After this, {@link #next()} reports "closed by the caller" unless the stream had already ended cleanly. */
    @Override
    public void close() {
        body.close();
    }
}
