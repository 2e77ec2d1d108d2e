package ai.aideon.providers.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds, once, which pocketsphinx command line works here (see {@link PocketsphinxCli#detect()}). */
final class PocketsphinxProbe {
    private static final int SILENCE_SAMPLES = 8000; // half a second at 16 kHz

    private PocketsphinxProbe() {
    }

    static Optional<PocketsphinxCli> installed() {
        return Holder.INSTALLED;
    }

    /** Whether {@code cli} starts, loads its model and transcribes a moment of silence without error. */
    static boolean works(PocketsphinxCli cli) {
        if (!LocalEngines.installed(cli.binary())) {
            return false;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("aideon-stt-probe-");
            Path wav = dir.resolve("silence.wav");
            byte[] header = WavHeader.pcm16Mono(16_000, SILENCE_SAMPLES * 2L);
            byte[] file = new byte[header.length + SILENCE_SAMPLES * 2];
            System.arraycopy(header, 0, file, 0, header.length);
            Files.write(wav, file);
            return LocalEngines.outputOf(cli.command(wav), dir) != null;
        } catch (IOException e) {
            return false;
        } finally {
            TempFiles.deleteQuietly(dir);
        }
    }

    /** Lazily initialised on first use, so merely loading the class runs no program. */
    private static final class Holder {
        static final Optional<PocketsphinxCli> INSTALLED = List.of(
                        PocketsphinxCli.single("pocketsphinx"),
                        PocketsphinxCli.continuous("pocketsphinx_continuous"))
                .stream().filter(PocketsphinxProbe::works).findFirst();
    }
}
