package ai.aideon.providers.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/** Stand-in programs for the failure cases a real engine will not produce on demand. */
final class FakeEngines {
    private FakeEngines() {
    }

    /** A script that ignores its input, records its pid in {@code pidFile}, then sleeps: a wedged engine. */
    static Path hanging(Path dir, Path pidFile) throws IOException {
        return script(dir, "hanging", "echo $$ > '" + pidFile + "'\nexec sleep 30\n");
    }

    /** A script that complains on stderr and exits 3. */
    static Path failing(Path dir, String stderrLine) throws IOException {
        return script(dir, "failing", "echo '" + stderrLine + "' >&2\nexit 3\n");
    }

    static Path script(Path dir, String name, String body) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** The pid a {@link #hanging} script recorded, waiting briefly for it to get that far. */
    static long pid(Path pidFile) throws Exception {
        for (int i = 0; i < 100 && !(Files.exists(pidFile) && Files.size(pidFile) > 0); i++) {
            Thread.sleep(20);
        }
        return Long.parseLong(Files.readString(pidFile).trim());
    }

    /** Whether the process is gone (or a zombie being reaped) within a short grace period. */
    static boolean diesSoon(long pid) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
