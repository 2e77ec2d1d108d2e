package ai.aideon.providers.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which local speech engines this machine has, for health and offline checks. Each answer comes from actually
 * running the program once (a binary on the PATH can still be broken or lack its model), then stays cached for the
 * life of the JVM: installing a package while the gateway runs needs a restart to be noticed.
 */
public final class LocalEngines {
    public static final String ESPEAK = "espeak-ng";
    public static final String SOX = "sox";

    /** Generous: the pocketsphinx probe loads its acoustic model (about half a second on a laptop). */
    private static final long PROBE_SECONDS = 15;

    private static final Map<List<String>, Boolean> PROBES = new ConcurrentHashMap<>();
    private static final Map<String, Set<String>> SOX_FILE_TYPES = new ConcurrentHashMap<>();
    /** Programs started by probes in this JVM: the caching above is what keeps this from growing per request. */
    private static final AtomicInteger PROBES_RUN = new AtomicInteger();

    private LocalEngines() {
    }

    /** espeak-ng answers {@code --version}. */
    public static boolean espeakAvailable() {
        return succeeds(List.of(ESPEAK, "--version"));
    }

    /** sox answers {@code --version}. */
    public static boolean soxAvailable() {
        return succeeds(List.of(SOX, "--version"));
    }

    /** A pocketsphinx command line (5.x or the older 0.8 one) decodes a short silent WAV with its English model. */
    public static boolean pocketsphinxAvailable() {
        return PocketsphinxCli.detect().isPresent();
    }

    /**
     * The audio file types the given sox can read and write, lower case, from the "AUDIO FILE FORMATS" line of
     * {@code sox -h}: mp3 appears only with libsox-fmt-mp3, opus not at all on Debian bookworm. Empty when sox does
     * not run.
     */
    public static Set<String> soxFileTypes(String soxBinary) {
        return SOX_FILE_TYPES.computeIfAbsent(soxBinary, LocalEngines::askSoxForFileTypes);
    }

    /** True when the command starts and exits 0 within the probe time; asked once per command per JVM. */
    static boolean succeeds(List<String> command) {
        return PROBES.computeIfAbsent(List.copyOf(command), c -> outputOf(c, null) != null);
    }

    /**
     * Whether {@code binary} names an executable file: a path is checked as given, a bare name is looked up on the
     * PATH the way the process launcher will. Lets a provider say which package to install before starting
     * anything, instead of decoding the launcher's error text.
     */
    public static boolean installed(String binary) {
        if (binary.indexOf('/') >= 0) {
            return Files.isExecutable(Path.of(binary));
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> askSoxForFileTypes(String soxBinary) {
        String help = outputOf(List.of(soxBinary, "-h"), null);
        if (help == null) {
            return Set.of();
        }
        for (String line : help.split("\n")) {
            if (line.startsWith("AUDIO FILE FORMATS:")) {
                String list = line.substring("AUDIO FILE FORMATS:".length()).trim().toLowerCase(Locale.ROOT);
                return Set.of(list.split("\\s+"));
            }
        }
        return Set.of();
    }

    static int probesRun() {
        return PROBES_RUN.get();
    }

    /**
     * Runs a probe to its end and returns what it printed (stdout and stderr together), or null when it could not
     * start, failed, or hung past the probe time (it is then killed).
     */
    static String outputOf(List<String> command, Path workingDir) {
        if (!installed(command.getFirst())) {
            return null;
        }
        PROBES_RUN.incrementAndGet();
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (workingDir != null) {
                builder.directory(workingDir.toFile());
            }
            LocalProcess process = LocalProcess.start(builder);
            LocalProcess.Completed done = process.collect(TimeUnit.SECONDS.toNanos(PROBE_SECONDS));
            return done != null && done.exitCode() == 0 ? new String(done.stdout(), StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
