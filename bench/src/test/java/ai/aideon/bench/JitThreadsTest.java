package ai.aideon.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class JitThreadsTest {

    @Test
    void reads_user_plus_system_ticks_even_when_the_thread_name_has_spaces_and_parentheses() {
        String stat = "4242 (C2 Compiler) x) S 4200 4200 4200 0 -1 1077936192 2104 0 0 0 731 42 0 0 20 0 1 0 "
                + "12345 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 -1 1 0 0 0 0 0";

        assertThat(JitThreads.utimePlusStime(stat)).isEqualTo(773);
    }

    @Test
    void this_jvm_has_compiler_threads_whose_time_can_be_read_on_linux() {
        long nanos = JitThreads.cpuNanos(ProcessHandle.current().pid());
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            assertThat(nanos).isNotNegative().isEqualTo(nanos / 10_000_000L * 10_000_000L); // whole ticks
        } else {
            assertThat(nanos).isEqualTo(-1);
        }
        assertThat(JitThreads.cpuNanos(Long.MAX_VALUE)).isEqualTo(-1); // no such process
    }
}
