package ai.aideon.providers.http;

import ai.aideon.providers.Secret;

import java.util.regex.Pattern;

/**
 * Removes anything key-like from upstream text before it becomes an exception message. Upstreams echo keys back
 * (OpenAI's 401 says "Incorrect API key provided: sk-ab…"), and exception messages reach logs and clients.
 */
public final class Redactor {
    private static final String MASK = "****";
    /** sk-… (OpenAI), tgp_… (Together), hf_… (Hugging Face) and r8_… (Replicate) style keys, masked or not. */
    private static final Pattern PREFIXED_KEY =
            Pattern.compile("\\b(sk-|sk_|tgp_|hf_|r8_)[A-Za-z0-9_\\-*.…]{3,}");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(Bearer|Basic)\\s+[^\\s\"',;]+");
    /** Long hex runs are how Together's legacy keys look; nothing useful in a message looks like that. */
    private static final Pattern LONG_HEX = Pattern.compile("\\b[A-Fa-f0-9]{32,}\\b");
    private static final int MAX_LENGTH = 500;

    private Redactor() {
    }

    public static String redact(String text, Secret key) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        if (key != null && key.present()) {
            out = out.replace(key.reveal(), MASK);
        }
        out = PREFIXED_KEY.matcher(out).replaceAll("$1" + MASK);
        out = BEARER.matcher(out).replaceAll("$1 " + MASK);
        out = LONG_HEX.matcher(out).replaceAll(MASK);
        return out.length() > MAX_LENGTH ? out.substring(0, MAX_LENGTH) + "…" : out;
    }
}
