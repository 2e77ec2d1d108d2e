package ai.aideon.core.provider;

import ai.aideon.core.api.ChatChunk;

/**
 * A pull-based stream of chunks from one upstream, read on a (virtual) thread. {@link #next()} blocks until the
 * next chunk, returns null at the clean end of the stream (the upstream's terminator was seen), and throws
 * {@link ProviderException} when the stream breaks (cut before the terminator, error event, timeout).
 * A stream that ends without its terminator is a failure, never a clean end.
 */
public interface ChatStream extends AutoCloseable {

    ChatChunk next() throws ProviderException;

    /** Releases the connection; safe to call more than once and before the end. */
    @Override
    void close();
}
