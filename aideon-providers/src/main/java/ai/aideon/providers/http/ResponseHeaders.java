package ai.aideon.providers.http;

import java.util.Optional;

/**
 * An upstream's response headers, looked up by case-insensitive name. The error mapping only needs "first value of
 * X", and this keeps it independent of the HTTP client.
 */
@FunctionalInterface
public interface ResponseHeaders {
    ResponseHeaders NONE = name -> Optional.empty();

    /** The first value of header {@code name} (any case), if present. */
    Optional<String> first(String name);
}
