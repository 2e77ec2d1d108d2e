package ai.aideon.providers.openai.wire;

import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ContentPart;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolChoice;
import ai.aideon.core.api.ToolSpec;
import ai.aideon.providers.http.Json;
import ai.aideon.providers.openai.OpenAiDialect;
import ai.aideon.providers.support.LegacyPrompt;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.List;

/**
 * Canonical request → OpenAI wire JSON, written with the streaming generator in one pass. Raw JSON the client gave
 * us (tool parameter schemas, response schemas) is copied verbatim: it was parsed once at the edge already.
 */
public final class ChatCompletionWriter {
    private ChatCompletionWriter() {
    }

    /** Body for {@code POST /chat/completions}; {@code stream} overrides the request's own flag. */
    public static byte[] chat(ChatRequest r, String model, OpenAiDialect dialect, boolean stream) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            writeMessages(g, r.messages(), dialect);
            writeSampling(g, r, dialect);
            writeTools(g, r);
            writeResponseFormat(g, r.responseFormat());
            writeStream(g, stream, dialect);
            g.writeEndObject();
        });
    }

    /** Body for legacy {@code POST /completions}: the prompt is the text of the request's user message. */
    public static byte[] completion(ChatRequest r, String model, OpenAiDialect dialect, boolean stream) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeStringField("prompt", LegacyPrompt.text(r));
            writeSampling(g, r, dialect);
            writeStream(g, stream, dialect);
            g.writeEndObject();
        });
    }

    private static void writeSampling(JsonGenerator g, ChatRequest r, OpenAiDialect dialect) throws IOException {
        if (r.maxTokens() != null) {
            g.writeNumberField(dialect.maxTokensField(), r.maxTokens());
        }
        if (r.temperature() != null) {
            g.writeNumberField("temperature", r.temperature());
        }
        if (r.topP() != null) {
            g.writeNumberField("top_p", r.topP());
        }
        if (!r.stop().isEmpty()) {
            // Always an array: every server accepts it and Together accepts nothing else.
            g.writeArrayFieldStart("stop");
            for (String s : r.stop()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        if (r.seed() != null) {
            g.writeNumberField("seed", r.seed());
        }
        if (r.n() != 1) {
            g.writeNumberField("n", r.n());
        }
        if (r.user() != null) {
            g.writeStringField("user", r.user());
        }
    }

    private static void writeStream(JsonGenerator g, boolean stream, OpenAiDialect dialect) throws IOException {
        if (!stream) {
            return;
        }
        g.writeBooleanField("stream", true);
        if (dialect.sendStreamOptions()) {
            // Always ask for usage: cost accounting needs it even when the client did not ask to see it.
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true);
            g.writeEndObject();
        }
    }

    private static void writeMessages(JsonGenerator g, List<ChatMessage> messages, OpenAiDialect dialect)
            throws IOException {
        g.writeArrayFieldStart("messages");
        for (ChatMessage m : messages) {
            g.writeStartObject();
            String role = dialect.developerAsSystem() && "developer".equals(m.role()) ? "system" : m.role();
            g.writeStringField("role", role);
            writeContent(g, m);
            if (m.name() != null) {
                g.writeStringField("name", m.name());
            }
            if (!m.toolCalls().isEmpty()) {
                g.writeArrayFieldStart("tool_calls");
                for (ToolCall c : m.toolCalls()) {
                    g.writeStartObject();
                    g.writeStringField("id", c.id());
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", c.name());
                    g.writeStringField("arguments", c.argumentsJson() == null ? "{}" : c.argumentsJson());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (m.toolCallId() != null) {
                g.writeStringField("tool_call_id", m.toolCallId());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeContent(JsonGenerator g, ChatMessage m) throws IOException {
        List<ContentPart> parts = m.content();
        if (parts == null) {
            if ("assistant".equals(m.role())) {
                g.writeNullField("content");
            } else {
                g.writeStringField("content", "");
            }
            return;
        }
        if (parts.size() == 1 && parts.get(0) instanceof ContentPart.Text t) {
            g.writeStringField("content", t.text());
            return;
        }
        g.writeArrayFieldStart("content");
        for (ContentPart p : parts) {
            g.writeStartObject();
            switch (p) {
                case ContentPart.Text t -> {
                    g.writeStringField("type", "text");
                    g.writeStringField("text", t.text());
                }
                case ContentPart.Image i -> {
                    g.writeStringField("type", "image_url");
                    g.writeObjectFieldStart("image_url");
                    g.writeStringField("url", i.url());
                    if (i.detail() != null) {
                        g.writeStringField("detail", i.detail());
                    }
                    g.writeEndObject();
                }
                case ContentPart.Audio a -> {
                    g.writeStringField("type", "input_audio");
                    g.writeObjectFieldStart("input_audio");
                    g.writeStringField("data", a.base64Data());
                    g.writeStringField("format", a.format());
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeTools(JsonGenerator g, ChatRequest r) throws IOException {
        if (r.tools().isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("tools");
        for (ToolSpec t : r.tools()) {
            g.writeStartObject();
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", t.name());
            if (t.description() != null) {
                g.writeStringField("description", t.description());
            }
            if (t.parametersJson() != null) {
                g.writeFieldName("parameters");
                g.writeRawValue(t.parametersJson());
            }
            if (t.strict() != null) {
                g.writeBooleanField("strict", t.strict());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
        ToolChoice choice = r.toolChoice();
        if (choice != null) {
            if ("function".equals(choice.mode())) {
                g.writeObjectFieldStart("tool_choice");
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", choice.functionName());
                g.writeEndObject();
                g.writeEndObject();
            } else {
                g.writeStringField("tool_choice", choice.mode());
            }
        }
        if (r.parallelToolCalls() != null) {
            g.writeBooleanField("parallel_tool_calls", r.parallelToolCalls());
        }
    }

    private static void writeResponseFormat(JsonGenerator g, ResponseFormat f) throws IOException {
        if (f == null || f.type() == null) {
            return;
        }
        g.writeObjectFieldStart("response_format");
        g.writeStringField("type", f.type());
        if ("json_schema".equals(f.type())) {
            g.writeObjectFieldStart("json_schema");
            g.writeStringField("name", f.schemaName() == null ? "response" : f.schemaName());
            if (f.schemaJson() != null) {
                g.writeFieldName("schema");
                g.writeRawValue(f.schemaJson());
            }
            if (f.strict() != null) {
                g.writeBooleanField("strict", f.strict());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }
}
