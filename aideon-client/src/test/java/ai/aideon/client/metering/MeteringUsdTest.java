package ai.aideon.client.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MeteringUsdTest {

    @Test
    void formatsMicroDollarsWithSixDecimals() {
        assertThat(Metering.usd(0)).isEqualTo("0.000000");
        assertThat(Metering.usd(76)).isEqualTo("0.000076");
        assertThat(Metering.usd(999_999)).isEqualTo("0.999999");
        assertThat(Metering.usd(1_000_000)).isEqualTo("1.000000");
        assertThat(Metering.usd(50_000_000_123L)).isEqualTo("50000.000123");
        assertThat(Metering.usd(-1_500)).isEqualTo("-0.001500");
    }

    /** The header's format must not change: the same text BigDecimal gave, for any amount. */
    @Test
    void matchesBigDecimalPlainStringEverywhere() {
        SplittableRandom random = new SplittableRandom(7);
        long[] edges = {Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 1, -1, 999_999, 1_000_001, -1_000_000};
        for (long micros : edges) {
            assertThat(Metering.usd(micros)).as("%d", micros)
                    .isEqualTo(BigDecimal.valueOf(micros, 6).toPlainString());
        }
        for (int i = 0; i < 10_000; i++) {
            long micros = random.nextLong() >> random.nextInt(64);
            assertThat(Metering.usd(micros)).as("%d", micros)
                    .isEqualTo(BigDecimal.valueOf(micros, 6).toPlainString());
        }
    }
}
