package ai.aideon.core.provider;

import ai.aideon.core.api.ChatResponse;

/**
 * A provider instance that serves chat models (text, code, vision). Implementations translate the canonical
 * request to their wire format and every failure to a {@link ProviderException}; they never retry themselves.
 */
public interface ChatProvider {

    /** The configured instance name, e.g. {@code local} or {@code together}. */
    String name();

    ChatResponse chat(ChatCall call) throws ProviderException;

    /**
     * Opens a stream. Failing to connect or a non-2xx answer throws here; once this returns, failures surface from
     * {@link ChatStream#next()}.
     */
    ChatStream stream(ChatCall call) throws ProviderException;
}
