package ai.aideon.providers.simulator;

import java.util.SplittableRandom;

/**
 * Plausible English built from a small vocabulary around the topic words. It reads like a generic but on-topic
 * answer, which is what a demo needs: visibly related to the question, deterministic, cheap.
 */
final class TextComposer {
    private static final String[] OPENERS = {"In practice,", "In most cases,", "Put simply,", "At its core,",
            "For most people,", "Generally speaking,", "As a rule of thumb,"};
    private static final String[] VERBS = {"depends on", "comes down to", "benefits from", "is shaped by",
            "relies on", "starts with", "gets easier with"};
    private static final String[] ADJECTIVES = {"careful", "clear", "simple", "steady", "practical", "consistent",
            "small", "reliable", "honest", "regular"};
    private static final String[] NOUNS = {"planning", "feedback", "examples", "habits", "measurements",
            "questions", "experiments", "steps", "context", "notes"};
    private static final String[] ACTIONS = {"compare", "review", "collect", "write down", "test", "track"};
    private static final String[] CLAUSES = {"it pays to start small", "results improve over time",
            "it helps to check the details", "the details matter", "patience is worth it",
            "a second look often helps"};

    private TextComposer() {
    }

    /** About {@code targetTokens} tokens (whole sentences, so a little more), opening with the topic. */
    static String answer(Topic topic, SplittableRandom rng, int targetTokens) {
        StringBuilder sb = new StringBuilder("Here is a short answer about ").append(topic.phrase()).append(':');
        int tokens = Tokens.count(sb.toString());
        while (tokens < targetTokens) {
            String sentence = sentence(topic, rng);
            sb.append(' ').append(sentence);
            tokens += Tokens.count(sentence) + 1;
        }
        return sb.toString();
    }

    /** One or two sentences, for JSON fields. */
    static String sentence(Topic topic, SplittableRandom rng) {
        String t = pick(topic.words().toArray(String[]::new), rng);
        return switch (rng.nextInt(5)) {
            case 0 -> pick(OPENERS, rng) + " " + t + " " + pick(VERBS, rng) + " " + nounPhrase(rng) + ".";
            case 1 -> "A useful next step is to " + pick(ACTIONS, rng) + " " + nounPhrase(rng) + ".";
            case 2 -> "Keep in mind that " + t + " " + pick(VERBS, rng) + " " + nounPhrase(rng) + ", so "
                    + pick(CLAUSES, rng) + ".";
            case 3 -> "Many people find that " + nounPhrase(rng) + " make " + t + " much easier to understand.";
            default -> "If you want to go deeper, look at how " + t + " " + pick(VERBS, rng) + " "
                    + nounPhrase(rng) + ".";
        };
    }

    /** A closing line after a tool result came back. */
    static String afterToolResult(Topic topic, SplittableRandom rng) {
        return "Based on the tool result, here is what I found about " + topic.phrase() + ": "
                + sentence(topic, rng);
    }

    private static String nounPhrase(SplittableRandom rng) {
        return pick(ADJECTIVES, rng) + " " + pick(NOUNS, rng);
    }

    private static String pick(String[] options, SplittableRandom rng) {
        return options[rng.nextInt(options.length)];
    }
}
