package ai.aideon.providers.http;

import java.nio.charset.StandardCharsets;

/**
 * A whole small answer of any status, for health probes and model listings: a probe must tell 503 "loading" from
 * 200 "ok", so a non-2xx status is data here, not an exception.
 *
 * @param contentType the Content-Type header, or null
 */
public record HttpAnswer(int status, String contentType, byte[] body) {

    public boolean ok() {
        return status >= 200 && status <= 299;
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
