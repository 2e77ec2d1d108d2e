package ai.aideon.providers.local;

import ai.aideon.core.api.Transcription;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The pocketsphinx command line on this machine. Two generations are in use: 5.x has one {@code pocketsphinx}
 * program whose {@code single} mode prints a JSON line per utterance; 0.8 (Debian bookworm's 0.8+5prealpha) has
 * {@code pocketsphinx_continuous}, which prints each utterance's text on a line of its own and, with
 * {@code -time yes}, a line per word with its start and end in seconds. Both default to the US English model and
 * need 16 kHz mono 16-bit WAV. Their logs go to stderr.
 */
public sealed interface PocketsphinxCli permits PocketsphinxCli.Single, PocketsphinxCli.Continuous {
    String binary();

    /** The command that transcribes a 16 kHz mono 16-bit WAV file. */
    List<String> command(Path wav);

    /** The utterances in what that command printed, with lower-case text. */
    List<Transcription.Segment> segments(String stdout) throws IOException;

    /** pocketsphinx 5.x: {@code pocketsphinx single file.wav}. */
    static PocketsphinxCli single(String binary) {
        return new Single(binary);
    }

    /** pocketsphinx 0.8: {@code pocketsphinx_continuous -infile file.wav -time yes}. */
    static PocketsphinxCli continuous(String binary) {
        return new Continuous(binary);
    }

    /**
     * The installed command line that works, 5.x first. Found once per JVM by transcribing a moment of silence with
     * each candidate, which also proves the English model is installed; that loads the model, about half a second.
     */
    static Optional<PocketsphinxCli> detect() {
        return PocketsphinxProbe.installed();
    }

    record Single(String binary) implements PocketsphinxCli {
        @Override
        public List<String> command(Path wav) {
            return List.of(binary, "single", wav.toString());
        }

        @Override
        public List<Transcription.Segment> segments(String stdout) throws IOException {
            return PocketsphinxOutput.fromJsonLines(stdout);
        }
    }

    record Continuous(String binary) implements PocketsphinxCli {
        @Override
        public List<String> command(Path wav) {
            return List.of(binary, "-infile", wav.toString(), "-time", "yes");
        }

        @Override
        public List<Transcription.Segment> segments(String stdout) {
            return PocketsphinxOutput.fromContinuous(stdout);
        }
    }
}
