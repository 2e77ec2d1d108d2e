package ai.aideon.providers.fetch;

import ai.aideon.core.provider.ProviderException;

/**
 * Why an image URL did not become a {@link FetchedImage}. Two kinds, told apart by type:
 * {@link FetchRefusedException} — we would not fetch it or would not accept what came back (the client's URL is the
 * problem); {@link FetchFailedException} — we tried and the image host did not deliver (timeout, unreachable, TLS,
 * HTTP error, broken response).
 *
 * <p>Messages name the URL without its query (signed URLs carry credentials there) and are safe to show clients.
 */
public abstract sealed class ImageFetchException extends Exception
        permits FetchRefusedException, FetchFailedException {

    ImageFetchException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The failure as an adapter reports it, naming the request field at fault ({@code messages[0].content[1]
     * .image_url.url}). Both kinds become {@link ProviderException.Kind#BAD_REQUEST} — a 400 that neither retries
     * nor falls back — because an image host being slow or down is about this one request: reported as
     * TIMEOUT/UNAVAILABLE it would count against the health of the engine the image was meant for, and open its
     * circuit breaker for everyone.
     */
    public ProviderException toProviderException(String param) {
        return new ProviderException(ProviderException.Kind.BAD_REQUEST, getMessage(), 0, null, param, this);
    }
}
