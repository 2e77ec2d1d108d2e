package ai.aideon.testkit;

import java.util.Map;

/**
 * A request as the fake upstream received it.
 *
 * @param method  HTTP method, e.g. {@code POST}
 * @param path    request target as sent, including any query string, e.g. {@code /v1/chat/completions}
 * @param headers header names in lower case; repeated headers joined with {@code ", "}; unmodifiable
 * @param body    body decoded as UTF-8 (empty string when there was none)
 */
public record RecordedRequest(String method, String path, Map<String, String> headers, String body) {

    /** Header value by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
