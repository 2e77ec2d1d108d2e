package ai.aideon.providers.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The words an answer should be "about": the content words of the last user message. */
record Topic(List<String> words) {
    private static final int MAX_WORDS = 3;
    private static final Set<String> STOP_WORDS = Set.of(
            "the", "and", "for", "are", "but", "not", "you", "your", "all", "any", "can", "had", "her", "was", "one",
            "our", "out", "has", "have", "him", "his", "how", "its", "may", "new", "now", "old", "see", "two", "who",
            "did", "does", "get", "let", "say", "she", "too", "use", "what", "when", "where", "which", "while",
            "with", "would", "could", "should", "about", "there", "their", "them", "then", "these", "this", "that",
            "those", "into", "from", "some", "such", "than", "very", "will", "just", "also", "please", "explain",
            "describe", "tell", "write", "give", "make", "show", "like", "want", "need", "know", "think", "short",
            "brief", "answer", "question", "why", "more", "most", "much", "many", "each", "other", "only", "over",
            "been", "being", "were", "here", "yes", "using", "used", "me", "my", "is", "it", "in", "of", "to",
            "a", "an", "on", "or", "be", "do", "at", "as", "by", "we", "so", "if", "no", "up");

    static final Topic GENERIC = new Topic(List.of("your question"));

    /**
     * The longest content words (longer words carry the topic), kept in the order the user wrote them. ASCII words
     * only: they split into whole cl100k tokens, which keeps streamed pieces clean.
     */
    static Topic of(String text) {
        if (text == null) {
            return GENERIC;
        }
        Set<String> candidates = new LinkedHashSet<>();
        for (String raw : text.split("[^A-Za-z]+")) {
            String w = raw.toLowerCase(Locale.ROOT);
            if (w.length() >= 3 && w.length() <= 24 && !STOP_WORDS.contains(w)) {
                candidates.add(w);
            }
        }
        if (candidates.isEmpty()) {
            return GENERIC;
        }
        List<String> inOrder = new ArrayList<>(candidates);
        List<String> longest = new ArrayList<>(inOrder);
        longest.sort(Comparator.comparingInt(String::length).reversed());
        Set<String> keep = Set.copyOf(longest.subList(0, Math.min(MAX_WORDS, longest.size())));
        inOrder.removeIf(w -> !keep.contains(w));
        return new Topic(List.copyOf(inOrder));
    }

    /** "a", "a and b", "a, b and c". */
    String phrase() {
        if (words.size() == 1) {
            return words.get(0);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.get(words.size() - 1);
    }

    String main() {
        return words.get(0);
    }
}
