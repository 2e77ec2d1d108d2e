package ai.aideon.server.api;

import ai.aideon.client.metering.Metering;
import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.core.api.Usage;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.route.Attempt;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.List;

/**
 * Canonical → OpenAI wire for chat ({@code chat.completion} / {@code chat.completion.chunk}) and legacy
 * completions ({@code text_completion}). Responses carry our id and the served model's catalog id; the
 * {@code aideon} member says where the answer came from.
 */
public final class ChatResponseWriter {

    /**
     * What the client is told about the route, in bodies and usage chunks.
     *
     * @param cache set when the answer came from the response cache; null for a computed answer
     */
    public record Provenance(ModelSpec served, List<Attempt> attempts, String route, Double quality,
                             Long costMicros, CacheOrigin cache) {
        public Provenance(ModelSpec served, List<Attempt> attempts, String route, Double quality, Long costMicros) {
            this(served, attempts, route, quality, costMicros, null);
        }
    }

    /**
     * Where a cached answer came from: {@code kind} exact or semantic, its age, and for a semantic hit how similar the
     * two questions were.
     */
    public record CacheOrigin(String kind, long ageSeconds, Double similarity) {
    }

    private final String id;
    private final long created;
    private final boolean legacy;

    public ChatResponseWriter(String id, long created, boolean legacy) {
        this.id = id;
        this.created = created;
        this.legacy = legacy;
    }

    public byte[] response(ChatResponse r, Provenance p, Usage usage) {
        return Json.bytes(g -> {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("object", legacy ? "text_completion" : "chat.completion");
            g.writeNumberField("created", created);
            g.writeStringField("model", p.served().id());
            if (r.systemFingerprint() != null) {
                g.writeStringField("system_fingerprint", r.systemFingerprint());
            }
            g.writeArrayFieldStart("choices");
            for (ChatChoice c : r.choices()) {
                g.writeStartObject();
                g.writeNumberField("index", c.index());
                if (legacy) {
                    g.writeStringField("text", c.message().text());
                } else {
                    g.writeFieldName("message");
                    message(g, c.message());
                }
                g.writeNullField("logprobs");
                g.writeStringField("finish_reason", c.finishReason() == null ? "stop" : c.finishReason());
                g.writeEndObject();
            }
            g.writeEndArray();
            usage(g, usage, p.costMicros());
            provenance(g, p);
            g.writeEndObject();
        });
    }

    private static void message(JsonGenerator g, ChatMessage m) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", "assistant");
        if (m.content() == null) {
            g.writeNullField("content");
        } else {
            g.writeStringField("content", m.text());
        }
        g.writeStringField("refusal", m.refusal());
        if (!m.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall tc : m.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("id", tc.id());
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", tc.name());
                g.writeStringField("arguments", tc.argumentsJson());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /**
     * One SSE data payload for a chunk's deltas. {@code withRole} marks choices whose first delta this is: OpenAI
     * sends {@code role} first, and some clients rely on it. {@code nullUsage}: with include_usage, every chunk but
     * the last carries {@code "usage": null}.
     */
    public byte[] chunk(ChatChunk c, ModelSpec served, boolean[] roleSent, boolean nullUsage) {
        return Json.bytes(g -> {
            chunkHeader(g, served);
            g.writeArrayFieldStart("choices");
            for (ChoiceDelta d : c.choices()) {
                g.writeStartObject();
                g.writeNumberField("index", d.index());
                if (legacy) {
                    g.writeStringField("text", d.content() == null ? "" : d.content());
                } else {
                    g.writeObjectFieldStart("delta");
                    if (d.index() < roleSent.length && !roleSent[d.index()]) {
                        g.writeStringField("role", "assistant");
                        roleSent[d.index()] = true;
                    }
                    if (d.content() != null) {
                        g.writeStringField("content", d.content());
                    }
                    if (!d.toolCalls().isEmpty()) {
                        g.writeArrayFieldStart("tool_calls");
                        for (ToolCallDelta t : d.toolCalls()) {
                            g.writeStartObject();
                            g.writeNumberField("index", t.index());
                            if (t.id() != null) {
                                g.writeStringField("id", t.id());
                                g.writeStringField("type", "function");
                            }
                            g.writeObjectFieldStart("function");
                            if (t.name() != null) {
                                g.writeStringField("name", t.name());
                            }
                            g.writeStringField("arguments", t.argumentsFragment() == null ? "" : t.argumentsFragment());
                            g.writeEndObject();
                            g.writeEndObject();
                        }
                        g.writeEndArray();
                    }
                    g.writeEndObject();
                }
                g.writeNullField("logprobs");
                g.writeStringField("finish_reason", d.finishReason());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (nullUsage) {
                g.writeNullField("usage");
            }
            g.writeEndObject();
        });
    }

    /** The final usage chunk ({@code choices: []}) with cost-relevant provenance. */
    public byte[] usageChunk(Usage usage, Provenance p) {
        return Json.bytes(g -> {
            chunkHeader(g, p.served());
            g.writeArrayFieldStart("choices");
            g.writeEndArray();
            usage(g, usage, p.costMicros());
            provenance(g, p);
            g.writeEndObject();
        });
    }

    private void chunkHeader(JsonGenerator g, ModelSpec served) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", legacy ? "text_completion" : "chat.completion.chunk");
        g.writeNumberField("created", created);
        g.writeStringField("model", served.id());
    }

    private static void usage(JsonGenerator g, Usage u, Long costMicros) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        if (costMicros != null) {
            g.writeFieldName("cost_usd");
            g.writeNumber(Metering.usd(costMicros)); // as a number, the same digits as the x-aideon-cost-usd header
        }
        g.writeEndObject();
    }

    private static void provenance(JsonGenerator g, Provenance p) throws IOException {
        g.writeObjectFieldStart("aideon");
        g.writeStringField("provider", p.served().provider());
        g.writeStringField("model", p.served().id());
        g.writeStringField("source", p.cache() != null ? "cache" : p.served().source().wire());
        g.writeStringField("route", p.route());
        if (p.cache() != null) {
            g.writeObjectFieldStart("cache");
            g.writeStringField("kind", p.cache().kind());
            g.writeNumberField("age_s", p.cache().ageSeconds());
            if (p.cache().similarity() != null) {
                g.writeNumberField("similarity", Math.round(p.cache().similarity() * 1000) / 1000.0);
            }
            g.writeEndObject();
        }
        if (p.costMicros() != null) {
            g.writeFieldName("cost_usd");
            g.writeNumber(Metering.usd(p.costMicros()));
        }
        if (p.quality() != null) {
            g.writeNumberField("quality", p.quality());
        }
        g.writeArrayFieldStart("attempts");
        for (Attempt a : p.attempts()) {
            g.writeStartObject();
            g.writeStringField("provider", a.provider());
            g.writeStringField("model", a.modelId());
            g.writeStringField("outcome", a.outcome());
            g.writeNumberField("latency_ms", a.latencyMillis());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
