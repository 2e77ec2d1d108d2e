package ai.aideon.providers.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing the scratch directories the engines work in. */
final class TempFiles {
    private TempFiles() {
    }

    /** Deletes {@code dir} and everything in it; null or already gone is fine. Never throws: this runs in finally. */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort: a leftover file in the temp directory is not worth failing a request over.
                }
            });
        } catch (IOException ignored) {
            // As above.
        }
    }
}
