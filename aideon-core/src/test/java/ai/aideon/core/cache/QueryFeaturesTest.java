package ai.aideon.core.cache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryFeaturesTest {

    @Test
    void numbersAreValuesNotSpellings() {
        assertThat(QueryFeatures.of("Split 1,250.50 USD three ways, 5.0% tip, the 3rd time, covid-19").numbers())
                .containsExactlyInAnyOrder("1250.5", "3", "5", "3", "19");
        assertThat(QueryFeatures.of("What is 3,5 plus -2?").numbers()).containsExactlyInAnyOrder("3.5", "-2");
        assertThat(QueryFeatures.of("version 1.2.3").numbers()).containsExactly("1.2.3");
    }

    @Test
    void negationsAreCountedIncludingContractionsAndBareSpellings() {
        assertThat(QueryFeatures.of("I don't and can't, not ever, no way, cannot, wont").negations()).isEqualTo(6);
        assertThat(QueryFeatures.of("Nobody knows nothing without a reason").negations()).isEqualTo(3);
        assertThat(QueryFeatures.of("Is it known?").negations()).isZero();
    }

    @Test
    void contentKeepsOrderDropsFramingAndFoldsPlurals() {
        QueryFeatures f = QueryFeatures.of("Could you please tell me how the spiders' webs are made in 2 days?");
        assertThat(f.content()).containsExactly("spider", "web", "made", "in", "#2", "day");
        assertThat(f.questionWords()).containsExactly("how");
    }

    @Test
    void directionalWordsAndTenseAreContent() {
        assertThat(QueryFeatures.of("flights from Paris to London").content())
                .containsExactly("flight", "from", "paris", "to", "london");
        assertThat(QueryFeatures.of("who was the king").content()).containsExactly("was", "king");
        assertThat(QueryFeatures.of("how to bake bread").content()).containsExactly("bake", "bread");
    }

    @Test
    void singularHandlesTheRegularCasesOnly() {
        assertThat(QueryFeatures.singular("queries")).isEqualTo("query");
        assertThat(QueryFeatures.singular("boxes")).isEqualTo("box");
        assertThat(QueryFeatures.singular("classes")).isEqualTo("class");
        assertThat(QueryFeatures.singular("status")).isEqualTo("status");
        assertThat(QueryFeatures.singular("analysis")).isEqualTo("analysis");
        assertThat(QueryFeatures.singular("bus")).isEqualTo("bus");
        assertThat(QueryFeatures.singular("children")).isEqualTo("children");
    }
}
