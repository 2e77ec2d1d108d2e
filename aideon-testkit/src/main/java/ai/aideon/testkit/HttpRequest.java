package ai.aideon.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One parsed HTTP/1.x request. Header names are lower case. */
record HttpRequest(String method, String target, String path, String version, Map<String, String> headers,
                   byte[] body, boolean keepAlive) {

    String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    boolean isHead() {
        return "HEAD".equals(method);
    }
}
