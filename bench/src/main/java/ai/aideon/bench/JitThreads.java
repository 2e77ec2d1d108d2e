package ai.aideon.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a HotSpot JVM's JIT compiler threads, read from Linux's {@code /proc/<pid>/task/*}: how the bench
 * tells that a target has finished compiling its hot paths. A JVM under load keeps compiling for tens of seconds
 * after its first requests (on 2 shared cores, C2 took ~40% of the gateway's CPU 10 s into a run and settled after
 * ~30 s), so a measurement that starts earlier times the compiler, not the request path.
 */
final class JitThreads {

    /** Linux's USER_HZ: the unit of utime/stime in {@code /proc/.../stat}; 100 on every mainstream kernel. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final Path PROC = Path.of("/proc");

    private JitThreads() {
    }

    /**
     * User + system CPU of the compiler threads ("C1 CompilerThre…", "C2 CompilerThre…") of {@code pid}, in
     * nanoseconds (10 ms resolution); 0 for a process without any (nginx); -1 where {@code /proc} is not there.
     */
    static long cpuNanos(long pid) {
        Path tasks = PROC.resolve(Long.toString(pid)).resolve("task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                ticks += compilerTicks(thread);
            }
        } catch (IOException e) {
            return -1; // the process exited meanwhile
        }
        return ticks * NANOS_PER_TICK;
    }

    private static long compilerTicks(Path thread) {
        try {
            String name = Files.readString(thread.resolve("comm")).strip();
            if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) {
                return 0;
            }
            return utimePlusStime(Files.readString(thread.resolve("stat")));
        } catch (IOException e) {
            return 0; // the thread ended between listing and reading: its time went with it
        }
    }

    /** Fields 14 and 15 of a {@code stat} line; the name in parentheses (field 2) may itself hold spaces. */
    static long utimePlusStime(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // f[0] is field 3 (state), so field n is f[n - 3].
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
