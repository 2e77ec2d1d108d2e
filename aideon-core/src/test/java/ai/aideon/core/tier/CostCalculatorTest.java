package ai.aideon.core.tier;

import ai.aideon.core.api.Modality;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Source;
import ai.aideon.core.api.Usage;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Price;
import ai.aideon.core.route.Candidate;
import ai.aideon.core.route.RoutePlan;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CostCalculatorTest {

    private static ModelSpec model(String id, int window, Price price) {
        return new ModelSpec(id, "together", id, Modality.TEXT, Source.CLOUD, Set.of(), window, price,
                Set.of("free"), id);
    }

    private static final ModelSpec CHEAP = model("cheap-8b", 8_192, Price.perMTokens("0.18", "0.18"));
    private static final ModelSpec PRICEY = model("big-70b", 131_072, Price.perMTokens("0.88", "0.88"));
    private static final ModelSpec LOCAL = model("local-3b", 4_096, Price.FREE);

    private static RoutePlan plan(int promptTokens, ModelSpec... models) {
        List<Candidate> candidates = java.util.Arrays.stream(models)
                .map(m -> new Candidate(m, Role.PRIMARY, "test")).toList();
        return new RoutePlan("aideon/text", "aideon/text", Role.PRIMARY, promptTokens, candidates, List.of());
    }

    @Test
    void costIsExactIntegerMicrosRoundedUp() {
        assertThat(CostCalculator.costMicros(CHEAP, new Usage(600, 400))).isEqualTo(180); // 0.18 $/M × 1000
        assertThat(CostCalculator.costMicros(CHEAP, new Usage(1, 0))).isEqualTo(1);        // 0.18 µ$ → 1
        assertThat(CostCalculator.costMicros(model("m", 1, Price.perMTokens("0.10", "0.40")), new Usage(3, 3)))
                .isEqualTo(2); // 0.3 + 1.2 = 1.5 → 2
        assertThat(CostCalculator.costMicros(LOCAL, new Usage(10_000, 10_000))).isZero();
    }

    @Test
    void actualCountsOneRequestItsTokensAndItsCost() {
        assertThat(CostCalculator.actual(PRICEY, new Usage(1_000, 250)))
                .isEqualTo(new Amounts(1, 1_250, 0, 0, 1_100));
    }

    @Test
    void worstCaseWithMaxTokensTakesTheDearestCandidate() {
        Amounts worst = CostCalculator.worstCase(plan(1_000, CHEAP, PRICEY, LOCAL), 500);
        // cheap: 0.18 × 1500 = 270; pricey: 0.88 × 1500 = 1320
        assertThat(worst).isEqualTo(new Amounts(1, 1_500, 0, 0, 1_320));
    }

    @Test
    void worstCaseWithoutMaxTokensFillsEachCandidatesWindow() {
        Amounts worst = CostCalculator.worstCase(plan(1_000, CHEAP, PRICEY), null);
        // tokens: the largest window; cost: cheap 0.18 × 8192 = 1474.56 → 1475, pricey 0.88 × 131072 = 115343.36 → 115344
        assertThat(worst).isEqualTo(new Amounts(1, 131_072, 0, 0, 115_344));
        Amounts cheapOnly = CostCalculator.worstCase(plan(1_000, CHEAP), null);
        assertThat(cheapOnly).isEqualTo(new Amounts(1, 8_192, 0, 0, 1_475));
    }

    @Test
    void aPromptFillingTheWindowStillReservesOneCompletionToken() {
        Amounts worst = CostCalculator.worstCase(plan(9_000, CHEAP), null);
        assertThat(worst.tokens()).isEqualTo(9_001);
        assertThat(worst.costMicros()).isEqualTo(1_621); // 0.18 × 9001 = 1620.18 → 1621
    }

    @Test
    void severalChoicesMultiplyTheCompletion() {
        Amounts worst = CostCalculator.worstCase(plan(1_000, PRICEY), 500, 3);
        assertThat(worst).isEqualTo(new Amounts(1, 2_500, 0, 0, 2_200));
    }

    @Test
    void aFreeModelCostsNothingButStillCountsTokens() {
        assertThat(CostCalculator.worstCase(plan(100, LOCAL), 50)).isEqualTo(new Amounts(1, 150, 0, 0, 0));
    }

    private static ModelSpec imageModel(String id, String usdPerImage) {
        return new ModelSpec(id, "together", id, Modality.IMAGE, Source.CLOUD, Set.of(), 0,
                new Price(null, null, new java.math.BigDecimal(usdPerImage), null, null, null), Set.of("free"), id);
    }

    @Test
    void imagesReserveTheDearestCandidateForAllImagesAndSettleExactlyWhatWasDelivered() {
        ModelSpec sdxl = imageModel("sdxl", "0.0019");
        ModelSpec playground = imageModel("playground", "0.0050");
        RoutePlan p = plan(0, sdxl, playground);
        Amounts worst = CostCalculator.imagesWorstCase(p, 3);
        assertThat(worst).isEqualTo(new Amounts(1, 0, 3, 0, 15_000)); // 3 × $0.0050 = 15000 µ$
        assertThat(CostCalculator.imagesActual(sdxl, 3)).isEqualTo(new Amounts(1, 0, 3, 0, 5_700));
        // a sub-micro-dollar price still rounds up, never down
        assertThat(CostCalculator.imagesActual(imageModel("tiny", "0.0000001"), 1).costMicros()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CostCalculator.imagesWorstCase(p, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
