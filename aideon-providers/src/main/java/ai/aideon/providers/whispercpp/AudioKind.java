package ai.aideon.providers.whispercpp;

/**
 * An upload's container, told by its first bytes (file names and declared types are whatever the client says).
 * whisper-server decodes WAV, MP3 and FLAC itself; the rest needs its {@code --convert} (ffmpeg).
 */
enum AudioKind {
    WAV("WAV", true), MP3("MP3", true), FLAC("FLAC", true), OGG("Ogg", false), WEBM("WebM", false),
    MP4("MP4/M4A", false), UNKNOWN("an unrecognised format", false);

    private final String label;
    private final boolean readByWhisperServer;

    AudioKind(String label, boolean readByWhisperServer) {
        this.label = label;
        this.readByWhisperServer = readByWhisperServer;
    }

    String label() {
        return label;
    }

    boolean readByWhisperServer() {
        return readByWhisperServer;
    }

    static AudioKind of(byte[] b) {
        if (starts(b, "RIFF") && b.length >= 12 && b[8] == 'W' && b[9] == 'A' && b[10] == 'V' && b[11] == 'E') {
            return WAV;
        }
        if (starts(b, "ID3") || (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0)) {
            return MP3; // an ID3 tag, or an MPEG audio frame sync (11 set bits)
        }
        if (starts(b, "fLaC")) {
            return FLAC;
        }
        if (starts(b, "OggS")) {
            return OGG;
        }
        if (b.length >= 4 && (b[0] & 0xFF) == 0x1A && (b[1] & 0xFF) == 0x45 && (b[2] & 0xFF) == 0xDF
                && (b[3] & 0xFF) == 0xA3) {
            return WEBM; // EBML header
        }
        if (b.length >= 8 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            return MP4;
        }
        return UNKNOWN;
    }

    private static boolean starts(byte[] b, String ascii) {
        if (b.length < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
