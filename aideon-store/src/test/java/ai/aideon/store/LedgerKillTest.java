package ai.aideon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kill -9 at an arbitrary moment of a busy ledger loses no row whose append had returned: a child JVM appends
 * and acknowledges rows on stdout, is SIGKILLed mid-stream, and every acknowledged row must be in the database.
 */
class LedgerKillTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void noAcknowledgedRowIsLostWhenTheProcessIsKilled(Backend backend) throws Exception {
        String location = backend.newLocation(tmp);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LedgerKillChild.class.getName(), location)
                .redirectError(tmp.resolve("child.err").toFile())
                .start();
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && acknowledged.size() < 400) {
                if (line.startsWith("ok ")) {
                    acknowledged.add(line.substring(3));
                }
            }
            assertThat(acknowledged).as("child output; see child.err").hasSize(400);
            // SIGKILL: no shutdown hook, no ledger flush, no connection close. Through the ProcessHandle, because
            // Process.destroyForcibly() would also close our end of the pipe with unread acknowledgements in it.
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
            // Acknowledgements already in the pipe when the process died count too.
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ok ")) {
                    acknowledged.add(line.substring(3));
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        // Opening the store again replays what the dead process had journaled but not yet indexed.
        Store.open(location, Clock.systemUTC()).close();
        assertThat(new HashSet<>(LedgerTest.rowIds(location))).containsAll(acknowledged);
    }
}
