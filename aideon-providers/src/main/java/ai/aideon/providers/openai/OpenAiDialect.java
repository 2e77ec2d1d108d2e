package ai.aideon.providers.openai;

/**
 * The ways OpenAI-compatible servers differ on the wire, as data, so Together (and any future look-alike) reuses
 * the OpenAI-compatible adapter instead of copying it.
 *
 * @param sendStreamOptions  send {@code stream_options.include_usage}; Together's API has no such field and reports
 *                           usage on its final chunk anyway
 * @param developerAsSystem  send {@code developer} messages as {@code system} for servers whose chat templates
 *                           only know the classic roles
 * @param maxTokensField     {@code max_tokens} (understood everywhere) or {@code max_completion_tokens} (required by
 *                           OpenAI's reasoning models)
 * @param embeddingOptions   {@code /embeddings} takes OpenAI's optional {@code dimensions} and {@code user}; Together's
 *                           documents only {@code model} and {@code input}, so a request for shorter vectors is
 *                           refused there rather than answered with full-size ones
 */
public record OpenAiDialect(boolean sendStreamOptions, boolean developerAsSystem, String maxTokensField,
                            boolean embeddingOptions) {

    /** OpenAI itself, and any server configured as {@code type: openai}. */
    public static final OpenAiDialect OPENAI_COMPATIBLE = new OpenAiDialect(true, false, "max_tokens", true);

    /**
     * Local engines' OpenAI-compatible servers (llama.cpp, vLLM, Ollama's /v1): usage with stream_options, and
     * {@code developer} sent as {@code system}, since the open models' chat templates they apply know only the
     * classic roles (an unknown role fails the template or is silently dropped).
     */
    public static final OpenAiDialect LOCAL_ENGINE = new OpenAiDialect(true, true, "max_tokens", true);

    /** Together: no stream_options, classic roles. (Its stop is array-only; we always send an array.) */
    public static final OpenAiDialect TOGETHER = new OpenAiDialect(false, true, "max_tokens", false);

    public OpenAiDialect withMaxTokensField(String field) {
        return new OpenAiDialect(sendStreamOptions, developerAsSystem, field, embeddingOptions);
    }
}
