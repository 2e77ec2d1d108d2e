package ai.aideon.testkit;

/**
 * The wire dialect one request is answered in. Differences that matter to adapters live behind these values:
 * error envelopes, {@code eos} vs {@code stop}, where streaming usage goes, and request-id headers.
 */
enum Dialect {
    /** OpenAI and OpenAI-compatible servers (vLLM, llama.cpp). */
    OPENAI,
    /** Together AI: OpenAI-like with its own quirks (eos, usage on the final chunk, bare-array model list). */
    TOGETHER,
    /** Ollama's native /api endpoints: NDJSON streams and {@code {"error":"..."}} bodies. */
    OLLAMA_NATIVE,
    /** Ollama's OpenAI compatibility layer under /v1. */
    OLLAMA_OPENAI,
    /**
     * llama.cpp's llama-server: OpenAI paths, but errors are {@code {"error":{"code":<status>,"message","type"}}}
     * (no {@code param}), and a context overflow adds {@code n_prompt_tokens} and {@code n_ctx}.
     */
    LLAMACPP,
    /** vLLM's OpenAI server: errors {@code {"error":{"message","type":"BadRequestError","param","code":400}}}. */
    VLLM,
    /** whisper.cpp's whisper-server: {@code /inference}, errors {@code {"error":"…"}}, plain-text 404s. */
    WHISPER_CPP;

    /** Whether errors use the OpenAI envelope {@code {"error":{"message","type","param","code"}}}. */
    boolean openAiEnvelope() {
        return this == OPENAI || this == TOGETHER || this == OLLAMA_OPENAI;
    }
}
