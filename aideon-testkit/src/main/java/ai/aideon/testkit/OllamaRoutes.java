package ai.aideon.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama's native API (PROVIDERS.md 7.1): {@code GET /}, {@code /api/tags}, {@code /api/show}, {@code /api/chat},
 * {@code /api/generate}, {@code /api/embed}, {@code /api/version}, {@code /api/ps}.
 *
 * <p>Streams are NDJSON and on by default; usage ({@code prompt_eval_count}, {@code eval_count}) and durations in
 * nanoseconds appear only on the final {@code done:true} object. There is no auth and an over-long prompt is
 * silently truncated to the context window ({@code options.num_ctx}, else the configured window).
 */
final class OllamaRoutes {

    private static final byte[] RUNNING = "Ollama is running".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION = "{\"version\":\"0.12.6\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_RUNNING_MODELS = "{\"models\":[]}".getBytes(StandardCharsets.US_ASCII);
    static final String NDJSON = "application/x-ndjson";

    private final FakeUpstream upstream;

    OllamaRoutes(FakeUpstream upstream) {
        this.upstream = upstream;
    }

    Reply route(HttpRequest req) {
        String method = req.method();
        String path = req.path();
        boolean get = method.equals("GET") || method.equals("HEAD");
        try {
            if (get) {
                switch (path) {
                    case "/" -> {
                        return new Reply.Full(200, "text/plain; charset=utf-8", List.of(), RUNNING);
                    }
                    case "/api/tags" -> {
                        return ModelListings.ollamaTags(upstream.catalog());
                    }
                    case "/api/version" -> {
                        return Reply.json(200, VERSION);
                    }
                    case "/api/ps" -> {
                        return Reply.json(200, NO_RUNNING_MODELS);
                    }
                    default -> { }
                }
            } else if (method.equals("POST")) {
                switch (path) {
                    case "/api/chat" -> {
                        return chat(Json.parseObject(req.body()), false);
                    }
                    case "/api/generate" -> {
                        return chat(Json.parseObject(req.body()), true);
                    }
                    case "/api/show" -> {
                        ObjectNode body = Json.parseObject(req.body());
                        String model = body.hasNonNull("model") ? body.get("model").asText() : Json.textOrNull(body, "name");
                        if (model == null) throw new BadRequestException("model is required", "model", null);
                        return ModelListings.ollamaShow(upstream.catalog(), model);
                    }
                    case "/api/embed" -> {
                        return Embeddings.ollama(Json.parseObject(req.body()), upstream.catalog());
                    }
                    default -> { }
                }
            }
        } catch (BadRequestException e) {
            // Ollama reports decoding problems in Go's words; the exact text is not part of any contract.
            String message = e.code() == null && e.param() == null ? "invalid character in request body" : e.getMessage();
            return ProviderErrors.error(Dialect.OLLAMA_NATIVE, 400, message, null, null, null);
        }
        return ProviderErrors.unknownRoute(Dialect.OLLAMA_NATIVE, method, path);
    }

    /** {@code /api/chat} ({@code generate=false}) and {@code /api/generate} share everything but field names. */
    private Reply chat(ObjectNode body, boolean generate) throws BadRequestException {
        ChatInput in = generate ? ChatInput.fromOllamaGenerate(body) : ChatInput.fromOllamaChat(body);
        ModelCatalog catalog = upstream.catalog();
        if (!catalog.knows(in.model())) return ProviderErrors.modelNotFound(Dialect.OLLAMA_NATIVE, in.model());

        boolean emptyRequest = generate ? in.echoSource().isEmpty() && body.path("system").isMissingNode()
                : in.messages().isEmpty();
        if (emptyRequest) return load(in.model(), generate); // an empty request only loads the model

        int prompt = in.promptTokens();
        Integer window = in.numCtx() != null ? in.numCtx() : catalog.window(in.model());
        if (window != null && prompt > window) prompt = window; // silent truncation, like the real server

        ReplyPlanner.Choice choice = ReplyPlanner.plan(in, in.maxTokens(), upstream.ids()).choices().get(0);
        String doneReason = choice.finish() == ReplyPlanner.Finish.LENGTH ? "length" : "stop";

        if (!in.stream()) {
            ObjectNode one = line(in.model(), generate, choice.text());
            if (choice.toolCall() != null && !generate) addToolCall(one, choice.toolCall());
            finish(one, doneReason, prompt, choice.tokens());
            return Reply.json(200, Json.bytes(one));
        }

        List<byte[]> frames = new ArrayList<>(choice.pieces().size() + 1);
        if (choice.toolCall() != null && !generate) {
            ObjectNode call = line(in.model(), false, "");
            addToolCall(call, choice.toolCall());
            call.put("done", false);
            frames.add(Json.ndjson(call));
        }
        for (String piece : choice.pieces()) {
            ObjectNode l = line(in.model(), generate, piece);
            l.put("done", false);
            frames.add(Json.ndjson(l));
        }
        ObjectNode done = line(in.model(), generate, "");
        finish(done, doneReason, prompt, choice.tokens());
        return new Reply.Stream(NDJSON, List.of(), frames, Json.ndjson(done),
                ProviderErrors.streamErrorFrame(Dialect.OLLAMA_NATIVE));
    }

    private static Reply load(String model, boolean generate) {
        ObjectNode o = line(model, generate, "");
        o.put("done_reason", "load");
        o.put("done", true);
        return Reply.json(200, Json.bytes(o));
    }

    private static ObjectNode line(String model, boolean generate, String text) {
        ObjectNode o = Json.object();
        o.put("model", model);
        o.put("created_at", Instant.now().toString());
        if (generate) {
            o.put("response", text);
        } else {
            ObjectNode message = o.putObject("message");
            message.put("role", "assistant");
            message.put("content", text);
        }
        return o;
    }

    /** Ollama tool calls: arguments are a JSON object (not a string) and there is no call id. */
    private static void addToolCall(ObjectNode line, ReplyPlanner.ToolCall call) {
        ObjectNode fn = ((ObjectNode) line.get("message")).putArray("tool_calls").addObject().putObject("function");
        fn.put("name", call.name());
        fn.set("arguments", call.arguments());
    }

    /** The done:true statistics; durations are synthetic but plausible nanosecond values. */
    private static void finish(ObjectNode o, String doneReason, int promptTokens, int evalCount) {
        long load = 1_000_000L;
        long promptEval = 50_000L * Math.max(1, promptTokens);
        long eval = 10_000_000L * Math.max(1, evalCount);
        o.put("done_reason", doneReason);
        o.put("done", true);
        o.put("total_duration", load + promptEval + eval + 500_000L);
        o.put("load_duration", load);
        o.put("prompt_eval_count", promptTokens);
        o.put("prompt_eval_duration", promptEval);
        o.put("eval_count", evalCount);
        o.put("eval_duration", eval);
    }
}
