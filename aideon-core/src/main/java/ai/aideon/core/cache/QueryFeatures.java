package ai.aideon.core.cache;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the semantic cache's guard compares of a question, beyond its embedding. Embeddings are blind to exactly the
 * words that flip an answer: all-MiniLM-L6-v2 puts "Convert 5 miles to km" and "Convert 5 km to miles" at cosine
 * 0.99, "Is coffee good for you?" / "… bad for you?" at 0.94, "Is Paris the capital of France?" / "… not the capital
 * …" at 0.95. So a question is also reduced to:
 *
 * <ul>
 *   <li>{@code numbers}: every number, sorted — digits with decimals and thousands separators ({@code 1,000} = 1000,
 *   {@code 5.0} = 5), signs, percentages, ordinals ({@code 3rd} = 3) and number words ({@code two}, {@code hundred},
 *   {@code first}) as their value;</li>
 *   <li>{@code negations}: how many negating words it has (not, no, never, none, nobody, nothing, neither, nor,
 *   nowhere, cannot, without, except, excluding, unless, and every {@code n't});</li>
 *   <li>{@code questionWords}: what, which, who, whom, whose, when, where, why, how;</li>
 *   <li>{@code content}: the remaining words in order, lower-cased, plurals folded ({@code spiders} = spider), after
 *   dropping a short list of words that only frame the question (articles, present-tense be/do, and polite framing
 *   such as "can you tell me", "please"). Everything else is content: nouns, verbs, adjectives, prepositions
 *   ({@code from}/{@code to} carry direction), tense ({@code was}, {@code will}), modals other than can/could/would
 *   ({@code should}, {@code must}).</li>
 * </ul>
 *
 * <p>The drop list is deliberately short: a word wrongly treated as framing can produce a wrong hit, a word wrongly
 * treated as content only costs a miss.
 */
public record QueryFeatures(List<String> content, List<String> numbers, int negations, Set<String> questionWords) {

    public QueryFeatures {
        content = List.copyOf(content);
        numbers = List.copyOf(numbers);
        questionWords = Collections.unmodifiableSet(new TreeSet<>(questionWords));
    }

    /**
     * A number (a minus sign counts only where it can't be a hyphen: {@code covid-19} is 19), or a word with inner
     * apostrophes ({@code isn't}, {@code what's}), or a percent sign.
     */
    private static final Pattern TOKEN = Pattern.compile(
            "(?:(?<![\\p{L}\\p{N}])-)?\\d+(?:[.,]\\d+)*(?:st|nd|rd|th)?|\\p{L}+(?:'\\p{L}+)*|%");
    private static final Pattern THOUSANDS = Pattern.compile("-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?");
    private static final Pattern ORDINAL_SUFFIX = Pattern.compile("(st|nd|rd|th)$");

    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "none", "nobody", "nothing",
            "neither", "nor", "nowhere", "without", "except", "excluding", "unless");
    /** Contractions typed without the apostrophe: the negation, and the word it negates. */
    private static final Map<String, String> BARE_NEGATED = Map.ofEntries(Map.entry("cannot", "can"),
            Map.entry("dont", "do"), Map.entry("doesnt", "does"), Map.entry("didnt", "did"), Map.entry("isnt", "is"),
            Map.entry("arent", "are"), Map.entry("wasnt", "was"), Map.entry("werent", "were"),
            Map.entry("cant", "can"), Map.entry("wont", "will"), Map.entry("shouldnt", "should"),
            Map.entry("wouldnt", "would"), Map.entry("couldnt", "could"), Map.entry("hasnt", "has"),
            Map.entry("havent", "have"), Map.entry("hadnt", "had"), Map.entry("mustnt", "must"),
            Map.entry("neednt", "need"));
    /** The stems left by {@code n't} that are not words on their own. */
    private static final Map<String, String> NT_STEMS = Map.of("ca", "can", "wo", "will", "sha", "shall", "ai", "is");
    private static final Map<String, String> CONTRACTED = Map.of("re", "are", "ll", "will", "ve", "have",
            "d", "would", "m", "am");
    private static final Set<String> QUESTION_WORDS = Set.of("what", "which", "who", "whom", "whose", "when",
            "where", "why", "how");
    /** Words that frame a question without changing what is asked. Keep this short (see the class comment). */
    private static final Set<String> FRAMING = Set.of("a", "an", "the", "is", "are", "am", "be", "do", "does",
            "please", "kindly", "can", "could", "would", "you", "me", "i", "tell", "let", "know", "wonder");
    /** After these, "to" marks an infinitive ("how to reset"), not a direction ("from Paris to London"). */
    private static final Set<String> BEFORE_INFINITIVE = Set.of("how", "want", "wants", "need", "needs", "like",
            "try", "trying", "going", "able", "have", "has");
    private static final Map<String, Long> NUMBER_WORDS = numberWords();

    /** Extracts the features of one question. */
    public static QueryFeatures of(String text) {
        String normal = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replace('\u2019', '\'').replace('\u2018', '\'');
        List<String> content = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        Set<String> questionWords = new TreeSet<>();
        int negations = 0;
        String previous = "";
        Matcher m = TOKEN.matcher(normal);
        while (m.find()) {
            String token = m.group();
            if (token.charAt(0) == '-' || Character.isDigit(token.charAt(0))) {
                String value = numberValue(token);
                numbers.add(value);
                content.add("#" + value);
                previous = token;
                continue;
            }
            if (token.equals("%")) {
                content.add("percent");
                previous = token;
                continue;
            }
            for (String word : expand(token)) {
                if (word.equals("n't")) {
                    negations++;
                } else if (NEGATIONS.contains(word)) {
                    negations++;
                } else if (BARE_NEGATED.containsKey(word)) {
                    negations++;
                    addWord(BARE_NEGATED.get(word), previous, content, numbers, questionWords);
                } else {
                    addWord(word, previous, content, numbers, questionWords);
                }
                previous = word;
            }
        }
        Collections.sort(numbers);
        return new QueryFeatures(content, numbers, negations, questionWords);
    }

    private static void addWord(String word, String previous, List<String> content, List<String> numbers,
                                Set<String> questionWords) {
        if (QUESTION_WORDS.contains(word)) {
            questionWords.add(word);
        } else if (NUMBER_WORDS.containsKey(word)) {
            String value = NUMBER_WORDS.get(word).toString();
            numbers.add(value);
            content.add("#" + value);
        } else if (FRAMING.contains(word) || word.equals("to") && BEFORE_INFINITIVE.contains(previous)) {
            // frames the question; see FRAMING
        } else {
            content.add(singular(word));
        }
    }

    /** Splits contractions: {@code isn't} → is, n't; {@code what's} → what; {@code they're} → they, are. */
    private static List<String> expand(String token) {
        int apostrophe = token.indexOf('\'');
        if (apostrophe < 0) {
            return List.of(token);
        }
        if (token.endsWith("n't")) {
            String stem = token.substring(0, token.length() - 3);
            return List.of(NT_STEMS.getOrDefault(stem, stem), "n't");
        }
        String base = token.substring(0, apostrophe);
        String suffix = token.substring(apostrophe + 1);
        if (suffix.equals("s")) {
            return List.of(base); // possessive, or "is": neither changes what is asked
        }
        if (CONTRACTED.containsKey(suffix)) {
            return List.of(base, CONTRACTED.get(suffix));
        }
        return List.of(token.replace("'", "")); // o'clock, d'Artagnan
    }

    /** Plural to singular for the regular cases; irregular plurals stay as they are (a miss, never a wrong hit). */
    static String singular(String w) {
        if (w.length() <= 3) {
            return w;
        }
        if (w.endsWith("ies") && w.length() > 4) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.endsWith("sses") || w.endsWith("ches") || w.endsWith("shes") || w.endsWith("xes")) {
            return w.substring(0, w.length() - 2);
        }
        if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    /** A number token's value as a canonical decimal; tokens that are not one number (1.2.3) stay verbatim. */
    static String numberValue(String token) {
        String t = ORDINAL_SUFFIX.matcher(token).replaceFirst("");
        if (THOUSANDS.matcher(t).matches()) {
            t = t.replace(",", "");
        } else if (t.indexOf(',') >= 0 && t.indexOf(',') == t.lastIndexOf(',') && t.indexOf('.') < 0) {
            t = t.replace(',', '.'); // a decimal comma: 3,5
        }
        try {
            return new BigDecimal(t).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return t;
        }
    }

    private static Map<String, Long> numberWords() {
        String[] units = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
        String[] tens = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
        String[] ordinals = {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                "tenth", "eleventh", "twelfth"};
        java.util.HashMap<String, Long> out = new java.util.HashMap<>();
        for (int i = 0; i < units.length; i++) {
            out.put(units[i], (long) i);
        }
        for (int i = 0; i < tens.length; i++) {
            out.put(tens[i], 20L + 10L * i);
        }
        for (int i = 0; i < ordinals.length; i++) {
            out.put(ordinals[i], i + 1L);
        }
        out.put("dozen", 12L);
        out.put("hundred", 100L);
        out.put("thousand", 1_000L);
        out.put("million", 1_000_000L);
        out.put("billion", 1_000_000_000L);
        out.put("trillion", 1_000_000_000_000L);
        return Map.copyOf(out);
    }
}
