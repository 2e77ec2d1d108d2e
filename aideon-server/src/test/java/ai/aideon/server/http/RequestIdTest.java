package ai.aideon.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdTest {

    @Test
    void generatedIdsAreUniqueAndSortByTimeSoLedgerInsertsStayLocal() {
        long t = 1_764_064_800_000L; // 2025-11-25T10:00:00Z
        Set<String> ids = new HashSet<>();
        String previous = null;
        for (int i = 0; i < 10_000; i++) {
            String id = Exchange.newRequestId(t + i / 10);
            assertThat(id).matches("req_[0-9a-f]{32}");
            assertThat(ids.add(id)).as("unique").isTrue();
            if (i % 10 == 0 && previous != null) {
                assertThat(id).as("a later millisecond sorts after").isGreaterThan(previous);
            }
            previous = id;
        }
        assertThat(Exchange.newRequestId(t)).startsWith("req_" + String.format("%012x", t));
    }
}
