package ai.aideon.core.cache;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The second half of a semantic hit: after the embedding says two questions are close, the guard checks that they
 * ask the same thing in the words that matter (see {@link QueryFeatures}). Any mismatch refuses the hit; the reason
 * is kept for logs and tests.
 *
 * <p>Rules, in order:
 * <ol>
 *   <li>the numbers are equal as multisets ("15% of 200" never answers "15% of 300");</li>
 *   <li>the negations are equally many ("is Paris the capital" never answers "is Paris not the capital");</li>
 *   <li>when both ask with question words, they are the same ones ("when was it founded" never answers "where");
 *   a question without any ("tell me the capital of France") may match one with ("what is …");</li>
 *   <li>the content words are the same words in the same order: a substituted word ("good"/"bad", "France"/
 *   "Germany", "reset"/"change") or an added one ("population of France" / "… of France's capital") refuses, and so
 *   does a swap ("5 miles to km" / "5 km to miles", "from Paris to London" / "from London to Paris").</li>
 * </ol>
 *
 * <p>This trades hit rate for precision on purpose: a miss costs one upstream call, a wrong hit gives the caller a
 * confident answer to a question they did not ask. What still matches: case, punctuation, contractions, articles,
 * singular/plural, polite framing, and the wording the embedding judges equivalent around the same content words.
 */
public final class SemanticGuard {

    private SemanticGuard() {
    }

    /** Why {@code asked} may not be answered with the entry for {@code cached}; empty when it may. */
    public static Optional<String> mismatch(QueryFeatures asked, QueryFeatures cached) {
        if (!asked.numbers().equals(cached.numbers())) {
            return Optional.of("numbers differ: " + asked.numbers() + " vs " + cached.numbers());
        }
        if (asked.negations() != cached.negations()) {
            return Optional.of("negations differ: " + asked.negations() + " vs " + cached.negations());
        }
        if (!asked.questionWords().isEmpty() && !cached.questionWords().isEmpty()
                && !asked.questionWords().equals(cached.questionWords())) {
            return Optional.of("question words differ: " + asked.questionWords() + " vs " + cached.questionWords());
        }
        if (!asked.content().equals(cached.content())) {
            return Optional.of(sorted(asked.content()).equals(sorted(cached.content()))
                    ? "word order differs: " + asked.content() + " vs " + cached.content()
                    : "content words differ: " + asked.content() + " vs " + cached.content());
        }
        return Optional.empty();
    }

    private static List<String> sorted(List<String> words) {
        List<String> copy = new ArrayList<>(words);
        Collections.sort(copy);
        return copy;
    }
}
