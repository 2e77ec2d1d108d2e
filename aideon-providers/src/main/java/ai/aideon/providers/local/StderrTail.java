package ai.aideon.providers.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The last few KB a program wrote to stderr, read on a virtual thread so that a chatty program (pocketsphinx logs
 * tens of KB per run) never blocks on a full pipe.
 */
final class StderrTail {
    private static final int KEEP_BYTES = 8192;
    private static final int MAX_SUMMARY_CHARS = 500;
    private static final long DRAIN_WAIT_MILLIS = 1000;

    private final ByteArrayOutputStream tail = new ByteArrayOutputStream();
    private final Thread drainer;

    private StderrTail(InputStream stderr, String program) {
        this.drainer = Thread.ofVirtual().name(program + "-stderr").start(() -> drain(stderr));
    }

    static StderrTail drain(InputStream stderr, String program) {
        return new StderrTail(stderr, program);
    }

    /**
     * What to show a person: the lines that mention an error or failure, or else the last few lines; trimmed and
     * cut to a few hundred characters. Waits briefly for the program's last words when it has just exited.
     */
    String summary() {
        try {
            drainer.join(DRAIN_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> lines = lines();
        List<String> errors = lines.stream().filter(StderrTail::soundsLikeAnError).toList();
        List<String> chosen = errors.isEmpty() ? lines : errors;
        String text = String.join(" | ", chosen.subList(Math.max(0, chosen.size() - 3), chosen.size()));
        return text.length() <= MAX_SUMMARY_CHARS ? text : text.substring(text.length() - MAX_SUMMARY_CHARS);
    }

    private List<String> lines() {
        String text;
        synchronized (tail) {
            text = tail.toString(StandardCharsets.UTF_8);
        }
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        return lines;
    }

    private static boolean soundsLikeAnError(String line) {
        String lower = line.toLowerCase(Locale.ROOT);
        return lower.contains("error") || lower.contains("fatal") || lower.contains("fail");
    }

    private void drain(InputStream stderr) {
        byte[] buffer = new byte[4096];
        try (stderr) {
            int n;
            while ((n = stderr.read(buffer)) >= 0) {
                synchronized (tail) {
                    tail.write(buffer, 0, n);
                    if (tail.size() > 2 * KEEP_BYTES) {
                        byte[] all = tail.toByteArray();
                        tail.reset();
                        tail.write(all, all.length - KEEP_BYTES, KEEP_BYTES);
                    }
                }
            }
        } catch (IOException e) {
            // The program was killed; what we already have is all there is.
        }
    }
}
