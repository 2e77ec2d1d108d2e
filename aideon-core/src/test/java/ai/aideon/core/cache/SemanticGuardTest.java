package ai.aideon.core.cache;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard alone, on pairs chosen because the embedding model scores them close (measured with all-MiniLM-L6-v2:
 * the cosine is noted where it is above the default threshold of 0.92, i.e. where only the guard stands between the
 * caller and a wrong answer).
 */
class SemanticGuardTest {

    @ParameterizedTest(name = "[{index}] \"{0}\" must not answer \"{1}\" ({2})")
    @CsvSource(delimiter = '|', textBlock = """
            What is 15% of 200?                    | What is 15% of 300?                     | numbers differ
            Convert 5 miles to km                  | Convert 50 miles to km                  | numbers differ
            Convert 5 miles to km                  | Convert 5.5 miles to km                 | numbers differ
            What is 2 to the power of 10?          | What is 2 to the power of 12?           | numbers differ
            Who won the 2018 World Cup?            | Who won the 2022 World Cup?             | numbers differ
            What was the first world war about?    | What was the second world war about?    | numbers differ
            What is -5 squared?                    | What is 5 squared?                      | numbers differ
            Is Paris the capital of France?        | Is Paris not the capital of France?     | negations differ
            Does this drug interact with alcohol?  | Doesn't this drug interact with alcohol? | negations differ
            Recipes with nuts                      | Recipes without nuts                    | negations differ
            I can eat shellfish                    | I cannot eat shellfish                  | negations differ
            When was the Eiffel Tower built?       | Where was the Eiffel Tower built?       | question words differ
            Convert 5 miles to km                  | Convert 5 km to miles                   | word order differs
            Flights from Paris to London           | Flights from London to Paris            | word order differs
            Is coffee good for you?                | Is coffee bad for you?                  | content words differ
            What is the capital of France?         | What is the capital of Germany?         | content words differ
            what is the capital of france          | what is the capital of germany          | content words differ
            What is the largest planet?            | What is the smallest planet?            | content words differ
            How do I reset my password?            | How do I reset my username?             | content words differ
            What is the population of France?      | What is the population of France's capital? | content words differ
            Who is the CEO of Apple?               | Who was the CEO of Apple?               | content words differ
            Should I restart the server?           | Can I restart the server?               | content words differ
            Translate 'hello' to French            | Translate 'hello' to Spanish            | content words differ
            """)
    void nearMissesAreRefused(String asked, String cached, String reason) {
        assertThat(SemanticGuard.mismatch(QueryFeatures.of(asked), QueryFeatures.of(cached)))
                .hasValueSatisfying(why -> assertThat(why).startsWith(reason));
        // and the other way round: the guard is symmetric
        assertThat(SemanticGuard.mismatch(QueryFeatures.of(cached), QueryFeatures.of(asked))).isPresent();
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" may answer \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
            What's the capital of France?                   | What is the capital of France?
            Can you tell me what the capital of France is?  | What is the capital of France?
            Tell me the capital of France, please           | What is the capital of France?
            How do I reset my password?                     | How can I reset my password?
            How to reset my password                        | How do I reset my password?
            How many legs does a spider have?               | How many legs do spiders have?
            WHAT IS THE CAPITAL OF FRANCE                   | what is the capital of france?
            What is 1,000 divided by 8?                     | What is 1000 divided by 8?
            Isn't Paris the capital of France?              | Is Paris not the capital of France?
            What is 15 percent of 200?                      | What is 15% of 200?
            What is 2 to the power of 10?                   | What is two to the power of ten?
            """)
    void paraphrasesPass(String asked, String cached) {
        assertThat(SemanticGuard.mismatch(QueryFeatures.of(asked), QueryFeatures.of(cached))).isEmpty();
    }
}
