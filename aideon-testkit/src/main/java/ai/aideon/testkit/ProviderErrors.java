package ai.aideon.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Error answers in each provider's documented shape (PROVIDERS.md sections 1.9, 2.7, 7.1, 7.2, 8).
 *
 * <p>OpenAI-style envelopes always carry all four keys {@code message, type, param, code}, nulls included, because
 * real clients (openai-python) read them unconditionally. Ollama's native API uses a bare {@code {"error":"..."}};
 * its /v1 layer maps status to type ({@code invalid_request_error} 400, {@code not_found_error} 404, otherwise
 * {@code api_error}).
 */
final class ProviderErrors {

    static final String SERVER_ERROR_MESSAGE =
            "The server had an error while processing your request. Sorry about that!";

    private ProviderErrors() {}

    /**
     * An error in the dialect's shape.
     *
     * @param type OpenAI/Together error type (ignored by the Ollama dialects, which derive their own)
     */
    static Reply.Full error(Dialect d, int status, String message, String type, String param, String code,
                            List<Header> headers) {
        if (d == Dialect.LLAMACPP) {
            return new Reply.Full(status, "application/json; charset=utf-8", headers,
                    Json.bytes(llamaCppError(status, message, type)));
        }
        if (d == Dialect.VLLM) {
            ObjectNode root = Json.object();
            ObjectNode e = root.putObject("error");
            e.put("message", message);
            e.put("type", vllmType(status));
            e.put("param", param);
            e.put("code", status);
            return new Reply.Full(status, "application/json", headers, Json.bytes(root));
        }
        if (d == Dialect.OLLAMA_NATIVE || d == Dialect.WHISPER_CPP) {
            ObjectNode o = Json.object();
            o.put("error", message);
            return new Reply.Full(status, "application/json", headers, Json.bytes(o));
        }
        if (d == Dialect.OLLAMA_OPENAI) {
            type = status == 400 ? "invalid_request_error" : status == 404 ? "not_found_error" : "api_error";
            param = null;
            code = null;
        }
        return new Reply.Full(status, "application/json", headers, envelope(message, type, param, code));
    }

    static Reply.Full error(Dialect d, int status, String message, String type, String param, String code) {
        return error(d, status, message, type, param, code, List.of());
    }

    /**
     * llama.cpp's {@code format_error_response}: the status again as {@code code}, a type per status; a type the
     * caller passes that is llama.cpp's own (e.g. {@code exceed_context_size_error}) is kept.
     */
    static ObjectNode llamaCppError(int status, String message, String type) {
        String t = type != null && type.endsWith("_error") && !type.equals("invalid_request_error")
                && !type.equals("server_error") ? type : switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 501 -> "not_supported_error";
            case 503 -> "unavailable_error";
            default -> "server_error";
        };
        ObjectNode root = Json.object();
        ObjectNode e = root.putObject("error");
        e.put("code", status);
        e.put("message", message);
        e.put("type", t);
        return root;
    }

    /** vLLM names error types after Python exception classes (the newer, nested form). */
    private static String vllmType(int status) {
        return switch (status) {
            case 400 -> "BadRequestError";
            case 401 -> "AuthenticationError";
            case 404 -> "NotFoundError";
            case 503 -> "ServiceUnavailableError";
            default -> "InternalServerError";
        };
    }

    /**
     * The answer of a server still loading its model: llama.cpp's 503 {@code unavailable_error} (on every route,
     * {@code /health} included) or whisper-server's 503 {@code {"status":"loading model"}} on {@code /health}.
     */
    static Reply.Full loading(Dialect d) {
        if (d == Dialect.WHISPER_CPP) {
            return Reply.json(503, "{\"status\":\"loading model\"}".getBytes(StandardCharsets.US_ASCII));
        }
        return error(Dialect.LLAMACPP, 503, "Loading model", "unavailable_error", null, null);
    }

    static byte[] envelope(String message, String type, String param, String code) {
        return Json.bytes(envelopeNode(message, type, param, code));
    }

    static ObjectNode envelopeNode(String message, String type, String param, String code) {
        ObjectNode root = Json.object();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return root;
    }

    static Reply.Full badRequest(Dialect d, BadRequestException e) {
        return error(d, 400, e.getMessage(), "invalid_request_error", e.param(), e.code());
    }

    static Reply.Full modelNotFound(Dialect d, String model) {
        return switch (d) {
            case OPENAI -> error(d, 404, "The model `" + model + "` does not exist or you do not have access to it.",
                    "invalid_request_error", null, "model_not_found");
            case TOGETHER -> error(d, 404, "Unable to access model " + model + ". Please visit "
                    + "https://api.together.ai/models to view the list of supported models.",
                    "invalid_request_error", null, "model_not_found");
            case OLLAMA_NATIVE, OLLAMA_OPENAI -> error(d, 404, "model '" + model + "' not found", null, null, null);
            case VLLM -> error(d, 404, "The model `" + model + "` does not exist.", null, null, null);
            case LLAMACPP, WHISPER_CPP -> error(d, 404, "model not found", null, null, null);
        };
    }

    /** OpenAI's context_length_exceeded; Together's (TGI-style) validation message with no code. */
    static Reply.Full contextTooLong(Dialect d, int window, int promptTokens, Integer maxTokens) {
        if (d == Dialect.LLAMACPP) {
            ObjectNode body = llamaCppError(400, "request (" + promptTokens + " tokens) exceeds the available context "
                    + "size (" + window + " tokens), try increasing it", "exceed_context_size_error");
            ((ObjectNode) body.get("error")).put("n_prompt_tokens", promptTokens);
            ((ObjectNode) body.get("error")).put("n_ctx", window);
            return new Reply.Full(400, "application/json; charset=utf-8", List.of(), Json.bytes(body));
        }
        if (d == Dialect.VLLM) {
            int requested = promptTokens + (maxTokens == null ? 0 : maxTokens);
            return error(d, 400, "This model's maximum context length is " + window + " tokens. However, you "
                    + "requested " + requested + " tokens (" + promptTokens + " in the messages, "
                    + (maxTokens == null ? 0 : maxTokens) + " in the completion). Please reduce the length of the "
                    + "messages or completion.", null, null, null);
        }
        if (d == Dialect.TOGETHER) {
            int requested = maxTokens == null ? 0 : maxTokens;
            return error(d, 400, "Input validation error: `inputs` tokens + `max_new_tokens` must be <= " + window
                    + ". Given: " + promptTokens + " `inputs` tokens and " + requested + " `max_new_tokens`",
                    "invalid_request_error", null, null);
        }
        return error(d, 400, "This model's maximum context length is " + window + " tokens. However, your messages "
                + "resulted in " + promptTokens + " tokens. Please reduce the length of the messages.",
                "invalid_request_error", "messages", "context_length_exceeded");
    }

    /**
     * OpenAI's answer to an over-long embeddings input: the legacy completions wording, with no code or param
     * (as observed from OpenAI's embeddings endpoint, not in the spec).
     */
    static Reply.Full embeddingInputTooLong(Dialect d, int window, int tokens) {
        return error(d, 400, "This model's maximum context length is " + window + " tokens, however you requested "
                + tokens + " tokens (" + tokens + " in your prompt; 0 for the completion). Please reduce your prompt; "
                + "or completion length.", "invalid_request_error", null, null);
    }

    /** 401 for a missing ({@code sentKey == null}) or wrong key. */
    static Reply.Full invalidKey(Dialect d, String sentKey) {
        return switch (d) {
            case OPENAI -> error(d, 401, sentKey == null
                    ? "You didn't provide an API key. You need to provide your API key in an Authorization header "
                            + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                    : "Incorrect API key provided: " + mask(sentKey) + ". You can find your API key at "
                            + "https://platform.openai.com/account/api-keys.",
                    "invalid_request_error", null, "invalid_api_key");
            case TOGETHER -> error(d, 401, "Invalid API key provided. You can find your API key at "
                    + "https://api.together.xyz/settings/api-keys.", "invalid_request_error", null, "invalid_api_key");
            case OLLAMA_NATIVE, OLLAMA_OPENAI, WHISPER_CPP -> error(d, 401, "unauthorized", null, null, null);
            case LLAMACPP -> error(d, 401, "Invalid API Key", "authentication_error", null, null);
            // vLLM's --api-key middleware answers before any handler, with a bare message.
            case VLLM -> Reply.json(401, "{\"error\":\"Unauthorized\"}".getBytes(StandardCharsets.US_ASCII));
        };
    }

    /** Unknown path or method. Ollama's router (gin) answers plain text. */
    static Reply.Full unknownRoute(Dialect d, String method, String path) {
        if (d == Dialect.WHISPER_CPP) {
            // cpp-httplib's error handler in whisper-server
            return new Reply.Full(404, "text/plain", List.of(),
                    ("File Not Found (" + path + ")").getBytes(StandardCharsets.UTF_8));
        }
        if (d == Dialect.LLAMACPP) {
            return error(d, 404, "File Not Found", "not_found_error", null, null);
        }
        if (d == Dialect.VLLM) {
            // FastAPI's default
            return Reply.json(404, "{\"detail\":\"Not Found\"}".getBytes(StandardCharsets.US_ASCII));
        }
        if (d == Dialect.OLLAMA_NATIVE || d == Dialect.OLLAMA_OPENAI) {
            return new Reply.Full(404, "text/plain", List.of(), "404 page not found".getBytes(StandardCharsets.UTF_8));
        }
        return error(d, 404, "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null, null);
    }

    /** The answer an error-type fault forces, or null when the fault is not an error answer. */
    static Reply.Full forFault(Dialect d, Fault fault) {
        return switch (fault) {
            case Fault.RateLimited r -> rateLimited(d, r.retryAfterSeconds());
            case Fault.Overloaded o -> overloaded(d);
            case Fault.ServerError s -> serverError(d);
            case Fault.GatewayTimeout g -> d == Dialect.OLLAMA_NATIVE
                    ? error(d, 504, "timed out waiting for the model runner", null, null, null)
                    : error(d, 504, "The request timed out before the model finished.", "server_error", null, null);
            case Fault.InvalidKey k -> invalidKey(d, "fake-invalid-key");
            default -> null;
        };
    }

    static Reply.Full serverError(Dialect d) {
        return switch (d) {
            case OLLAMA_NATIVE -> error(d, 500, "llama runner process has terminated: exit status 2", null, null, null);
            case WHISPER_CPP -> error(d, 500, "failed to process audio", null, null, null);
            default -> error(d, 500, SERVER_ERROR_MESSAGE, "server_error", null, null);
        };
    }

    private static Reply.Full overloaded(Dialect d) {
        return switch (d) {
            // Together's 503 often comes from its edge as plain text; its SDK never parses the body.
            case TOGETHER -> new Reply.Full(503, "text/plain", List.of(),
                    "Service Unavailable".getBytes(StandardCharsets.UTF_8));
            case OPENAI -> error(d, 503, "The server is overloaded or not ready yet.", "server_error", null, null);
            case OLLAMA_NATIVE, OLLAMA_OPENAI ->
                    error(d, 503, "server busy, please try again.  maximum pending requests exceeded", null, null, null);
            // llama.cpp queues requests on its slots; its only 503 is the loading one. whisper-server likewise.
            case LLAMACPP, WHISPER_CPP -> loading(d);
            case VLLM -> error(d, 503, "The server is overloaded or not ready yet.", null, null, null);
        };
    }

    private static Reply.Full rateLimited(Dialect d, int retryAfter) {
        List<Header> h = new ArrayList<>();
        if (retryAfter > 0) h.add(new Header("retry-after", Integer.toString(retryAfter)));
        return switch (d) {
            case OPENAI -> {
                h.add(new Header("x-ratelimit-limit-requests", "500"));
                h.add(new Header("x-ratelimit-remaining-requests", "0"));
                h.add(new Header("x-ratelimit-reset-requests", Math.max(1, retryAfter) + "s"));
                h.add(new Header("x-ratelimit-limit-tokens", "200000"));
                h.add(new Header("x-ratelimit-remaining-tokens", "199000"));
                h.add(new Header("x-ratelimit-reset-tokens", "300ms"));
                yield error(d, 429, "Rate limit reached for requests in organization org-fake on requests per min "
                        + "(RPM): Limit 500, Used 500, Requested 1. Please try again in " + Math.max(1, retryAfter)
                        + "s.", "requests", null, "rate_limit_exceeded", h);
            }
            case TOGETHER -> {
                // Per-second values, as Together documents them.
                h.add(new Header("x-ratelimit-limit", "10"));
                h.add(new Header("x-ratelimit-remaining", "0"));
                h.add(new Header("x-ratelimit-reset", Integer.toString(Math.max(1, retryAfter))));
                h.add(new Header("x-ratelimit-limit-dynamic", "10"));
                h.add(new Header("x-ratelimit-remaining-dynamic", "0"));
                h.add(new Header("x-tokenlimit-limit", "200000"));
                h.add(new Header("x-tokenlimit-remaining", "200000"));
                yield error(d, 429, "You are being rate limited: your request rate exceeds your current dynamic "
                        + "rate limit. Please slow down and retry.", "dynamic_request_limited", null, null, h);
            }
            case OLLAMA_NATIVE, OLLAMA_OPENAI, LLAMACPP, VLLM, WHISPER_CPP -> error(d, 429,
                    "rate limit exceeded, please retry later", null, null, null, h);
        };
    }

    /** The in-band error a dialect puts into a 200 stream. */
    static byte[] streamErrorFrame(Dialect d) {
        if (d == Dialect.OLLAMA_NATIVE) {
            ObjectNode o = Json.object();
            o.put("error", "an error was encountered while running the model: unexpected EOF");
            return Json.ndjson(o);
        }
        if (d == Dialect.LLAMACPP) {
            return Json.sse(llamaCppError(500, SERVER_ERROR_MESSAGE, "server_error"));
        }
        return Json.sse(envelopeNode(SERVER_ERROR_MESSAGE, "server_error", null, null));
    }

    /** How a key is shown back in OpenAI's 401 message: never echo the whole secret. */
    private static String mask(String key) {
        if (key.length() <= 8) return "*".repeat(key.length());
        return key.substring(0, 3) + "*".repeat(Math.min(20, key.length() - 7)) + key.substring(key.length() - 4);
    }
}
