package ai.aideon.providers.local;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns the voice a client asked for into an espeak-ng voice. OpenAI's voice names get fixed espeak voices (a
 * language plus a "+variant" that sets pitch and timbre); a client may also name an espeak voice itself, which is
 * used when espeak has that language; anything else gets the default rather than an error, because OpenAI's voice
 * list grows and an unknown voice should not fail a request that would otherwise work.
 */
final class EspeakVoices {
    /** A plain American male voice: the one pocketsphinx recognises best in our round-trip tests. */
    static final String DEFAULT = "en-us+m3";

    private static final Map<String, String> OPENAI = Map.ofEntries(
            Map.entry("alloy", DEFAULT),
            Map.entry("ash", "en-us+m1"),
            Map.entry("ballad", "en-us+m5"),
            Map.entry("coral", "en-us+f2"),
            Map.entry("echo", "en-us+m2"),
            Map.entry("fable", "en-gb+m4"), // OpenAI's fable has a British accent
            Map.entry("onyx", "en-us+m7"), // the deepest male variant, like OpenAI's onyx
            Map.entry("nova", "en-us+f3"),
            Map.entry("sage", "en-us+f4"),
            Map.entry("shimmer", "en-us+f5"),
            Map.entry("verse", "en-us+m6"));

    /**
     * What a voice espeak is asked for directly may look like: a language or voice name, optionally "+variant". No
     * leading '-', so it can never be read as an option, and no spaces or shell characters.
     */
    private static final Pattern ESPEAK_VOICE = Pattern.compile("[a-z0-9][a-z0-9_/-]{0,63}(\\+[a-z0-9_-]{1,32})?");

    private final Supplier<Set<String>> listInstalled;
    private volatile Set<String> installed;

    /**
     * @param listInstalled lower-case languages and files of the voices espeak has (see {@link #parseList}); asked
     *                      only when a client names an espeak voice, then remembered
     */
    EspeakVoices(Supplier<Set<String>> listInstalled) {
        this.listInstalled = listInstalled;
    }

    /** The espeak {@code -v} argument for a requested voice. */
    String resolve(String requested) {
        if (requested == null || requested.isBlank()) {
            return DEFAULT;
        }
        String voice = requested.trim().toLowerCase(Locale.ROOT);
        String mapped = OPENAI.get(voice);
        if (mapped != null) {
            return mapped;
        }
        if (ESPEAK_VOICE.matcher(voice).matches()) {
            int plus = voice.indexOf('+');
            String base = plus < 0 ? voice : voice.substring(0, plus);
            // espeak ignores an unknown variant but exits with an error on an unknown language, so only the
            // language part is checked.
            if (installed().contains(base)) {
                return voice;
            }
        }
        return DEFAULT;
    }

    private Set<String> installed() {
        Set<String> known = installed;
        if (known == null) {
            known = Set.copyOf(listInstalled.get());
            installed = known;
        }
        return known;
    }

    /**
     * Reads {@code espeak-ng --voices}: a header line, then one voice per line as "priority language gender name
     * file other-languages". Keeps languages ({@code en-gb}) and voice files ({@code gmw/en-us}); display names
     * contain characters espeak will not look up. MBROLA voices are left out: they need extra packages.
     */
    static Set<String> parseList(String listing) {
        Set<String> voices = new HashSet<>();
        List<String> lines = listing.lines().skip(1).toList();
        for (String line : lines) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length < 5 || columns[4].startsWith("mb/")) {
                continue;
            }
            voices.add(columns[1].toLowerCase(Locale.ROOT));
            voices.add(columns[4].toLowerCase(Locale.ROOT)); // espeak matches voice files case-insensitively
        }
        return voices;
    }
}
