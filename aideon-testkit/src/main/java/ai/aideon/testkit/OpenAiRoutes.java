package ai.aideon.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAI-style HTTP surface: {@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings},
 * {@code /v1/audio/speech|transcriptions|translations} (not on Ollama's /v1), {@code /v1/images/generations}
 * (Together only, see {@link ImageRoutes}), {@code /v1/models[/{id}]}, for the
 * OpenAI, Together and Ollama-/v1 dialects. Validates the request the way the
 * provider does (auth, JSON, model, context) and hands generation to {@link ReplyPlanner}.
 */
final class OpenAiRoutes {

    private static final byte[] HEALTH_OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);

    private final FakeUpstream upstream;

    OpenAiRoutes(FakeUpstream upstream) {
        this.upstream = upstream;
    }

    Reply route(HttpRequest req, Dialect d) {
        String method = req.method();
        String path = req.path();

        // llama.cpp / vLLM style liveness probe; like theirs it needs no key.
        if (d == Dialect.OPENAI && path.equals("/health") && isGet(method)) return Reply.json(200, HEALTH_OK);

        // Together's image CDN serves generated images by URL without a key.
        if (d == Dialect.TOGETHER && isGet(method) && path.startsWith(ImageRoutes.CDN_PATH)) {
            return upstream.images().cdn(req);
        }

        Reply.Full denied = checkKey(req, d);
        if (denied != null) return denied;

        try {
            if (method.equals("POST")) {
                switch (path) {
                    case "/v1/chat/completions" -> {
                        return chat(req, d);
                    }
                    case "/v1/completions" -> {
                        return completion(req, d);
                    }
                    case "/v1/embeddings" -> {
                        return Embeddings.openAi(Json.parseObject(req.body()), d, upstream.catalog());
                    }
                    case "/v1/audio/speech" -> {
                        if (hasAudio(d)) return AudioRoutes.speech(req, d);
                    }
                    case "/v1/audio/transcriptions" -> {
                        if (hasAudio(d)) return AudioRoutes.transcription(req, d, false);
                    }
                    case "/v1/audio/translations" -> {
                        if (hasAudio(d)) return AudioRoutes.transcription(req, d, true);
                    }
                    case "/v1/images/generations" -> {
                        if (d == Dialect.TOGETHER) return upstream.images().generate(req);
                    }
                    default -> { }
                }
            } else if (isGet(method)) {
                if (path.equals("/v1/models")) return ModelListings.openAiList(d, upstream.catalog());
                if (path.startsWith("/v1/models/")) {
                    return ModelListings.openAiOne(d, upstream.catalog(), path.substring("/v1/models/".length()));
                }
            }
        } catch (BadRequestException e) {
            return ProviderErrors.badRequest(d, e);
        }
        return ProviderErrors.unknownRoute(d, method, path);
    }

    /** The fakes' audio routes are OpenAI's and Together's; the local engines' servers have none here. */
    private static boolean hasAudio(Dialect d) {
        return d == Dialect.OPENAI || d == Dialect.TOGETHER;
    }

    private static boolean isGet(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    /** Bearer auth (OpenAI, Together; llama.cpp and vLLM when a key is set); Ollama's /v1 accepts any key. */
    private Reply.Full checkKey(HttpRequest req, Dialect d) {
        String required = upstream.requiredKey();
        if (required == null || d == Dialect.OLLAMA_OPENAI) return null;
        String auth = req.header("authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) return ProviderErrors.invalidKey(d, null);
        String sent = auth.substring(7).trim();
        return sent.equals(required) ? null : ProviderErrors.invalidKey(d, sent);
    }

    private Reply chat(HttpRequest req, Dialect d) throws BadRequestException {
        ChatInput in = ChatInput.fromOpenAiChat(Json.parseObject(req.body()), d);
        if (!upstream.catalog().knows(in.model())) return ProviderErrors.modelNotFound(d, in.model());
        Budget budget = budget(d, in);
        if (budget.rejection != null) return budget.rejection;
        ReplyPlanner.Plan plan = ReplyPlanner.plan(in, budget.limit, upstream.ids());
        return OpenAiChatReplies.build(d, in, plan, budget.promptTokens, upstream.ids());
    }

    private Reply completion(HttpRequest req, Dialect d) throws BadRequestException {
        ChatInput in = ChatInput.fromOpenAiCompletion(Json.parseObject(req.body()), d);
        if (!upstream.catalog().knows(in.model())) return ProviderErrors.modelNotFound(d, in.model());
        Budget budget = budget(d, in);
        if (budget.rejection != null) return budget.rejection;
        ReplyPlanner.Plan plan = ReplyPlanner.plan(in, budget.limit, upstream.ids());
        return OpenAiCompletionReplies.build(d, in, plan, budget.promptTokens, upstream.ids());
    }

    /** Prompt size after context rules, and the completion limit that leaves. */
    private record Budget(int promptTokens, Integer limit, Reply.Full rejection) {}

    private Budget budget(Dialect d, ChatInput in) {
        int prompt = in.promptTokens();
        Integer limit = in.maxTokens();
        Integer window = upstream.catalog().window(in.model());
        if (window == null) return new Budget(prompt, limit, null);
        if (d == Dialect.OLLAMA_OPENAI) {
            // Ollama keeps the tail of an over-long prompt instead of failing (also through /v1).
            return new Budget(Math.min(prompt, window), limit, null);
        }
        if (prompt > window) return new Budget(prompt, limit, ProviderErrors.contextTooLong(d, window, prompt, limit));
        int room = window - prompt;
        return new Budget(prompt, limit == null ? room : Math.min(limit, room), null);
    }

    /** Chat usage: OpenAI adds the token detail objects, the others send only the three counts. */
    static ObjectNode usage(Dialect d, int prompt, int completion) {
        ObjectNode u = basicUsage(prompt, completion);
        if (d == Dialect.OPENAI) {
            ObjectNode pd = u.putObject("prompt_tokens_details");
            pd.put("cached_tokens", 0);
            pd.put("audio_tokens", 0);
            ObjectNode cd = u.putObject("completion_tokens_details");
            cd.put("reasoning_tokens", 0);
            cd.put("audio_tokens", 0);
            cd.put("accepted_prediction_tokens", 0);
            cd.put("rejected_prediction_tokens", 0);
        } else if (d == Dialect.LLAMACPP) {
            u.putObject("prompt_tokens_details").put("cached_tokens", 0);
        }
        return u;
    }

    static ObjectNode basicUsage(int prompt, int completion) {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        return u;
    }

    /** Provider name for how a choice ended; Together reports a natural end of text as {@code eos}. */
    static String finishReason(Dialect d, ReplyPlanner.Finish finish) {
        return switch (finish) {
            case NATURAL -> d == Dialect.TOGETHER ? "eos" : "stop";
            case STOP_SEQUENCE -> "stop";
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
        };
    }

    static String systemFingerprint(Dialect d) {
        return switch (d) {
            case OPENAI -> "fp_fake";
            case OLLAMA_OPENAI -> "fp_ollama";
            default -> null;
        };
    }
}
