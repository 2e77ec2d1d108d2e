package ai.aideon.testkit;

/** Which provider a {@link FakeUpstream} impersonates. */
enum Flavor {
    TOGETHER,
    OPENAI,
    OLLAMA,
    LLAMACPP,
    VLLM,
    WHISPER_CPP;

    /** The wire dialect of a path: a native Ollama server also speaks OpenAI's dialect under {@code /v1}. */
    Dialect dialectFor(String path) {
        return switch (this) {
            case TOGETHER -> Dialect.TOGETHER;
            case OPENAI -> Dialect.OPENAI;
            case OLLAMA -> path.equals("/v1") || path.startsWith("/v1/") ? Dialect.OLLAMA_OPENAI : Dialect.OLLAMA_NATIVE;
            case LLAMACPP -> Dialect.LLAMACPP;
            case VLLM -> Dialect.VLLM;
            case WHISPER_CPP -> Dialect.WHISPER_CPP;
        };
    }
}
