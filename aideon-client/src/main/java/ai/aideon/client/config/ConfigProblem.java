package ai.aideon.client.config;

/** One thing wrong with a config file: where (1-based line, 0 when unknown), what, and how to fix it. */
public record ConfigProblem(String file, int line, String message, String fix) {
    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file;
        return where + ": " + message + (fix == null || fix.isBlank() ? "" : "\n    fix: " + fix);
    }
}
