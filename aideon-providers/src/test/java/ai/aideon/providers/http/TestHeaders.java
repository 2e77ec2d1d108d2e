package ai.aideon.providers.http;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Response headers for tests: name/value pairs, looked up case-insensitively like real ones. */
final class TestHeaders {
    private TestHeaders() {
    }

    static ResponseHeaders of(String... nameValues) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < nameValues.length; i += 2) {
            map.putIfAbsent(nameValues[i], nameValues[i + 1]);
        }
        return name -> Optional.ofNullable(map.get(name));
    }
}
