package ai.aideon.core.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Prices in USD as the provider publishes them. Amounts are exact decimals; costs are computed in integer
 * micro-dollars (rounded up, so we never under-charge). Absent unit prices are zero.
 *
 * @param inputPerMTokens  USD per 1M prompt tokens
 * @param outputPerMTokens USD per 1M completion tokens
 * @param perImage         USD per generated image
 * @param perAudioSecond   USD per second of audio (transcription)
 * @param perMCharacters   USD per 1M characters (speech synthesis)
 * @param perVideoSecond   USD per second of generated video
 */
public record Price(BigDecimal inputPerMTokens, BigDecimal outputPerMTokens, BigDecimal perImage,
                    BigDecimal perAudioSecond, BigDecimal perMCharacters, BigDecimal perVideoSecond) {

    public static final Price FREE = new Price(null, null, null, null, null, null);
    private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

    public Price {
        inputPerMTokens = orZero(inputPerMTokens);
        outputPerMTokens = orZero(outputPerMTokens);
        perImage = orZero(perImage);
        perAudioSecond = orZero(perAudioSecond);
        perMCharacters = orZero(perMCharacters);
        perVideoSecond = orZero(perVideoSecond);
    }

    public static Price perMTokens(String input, String output) {
        return new Price(new BigDecimal(input), new BigDecimal(output), null, null, null, null);
    }

    /** Cost of a token count in micro-dollars, rounded up. USD/1M tokens equals micro-dollars per token. */
    public long tokenCostMicros(long promptTokens, long completionTokens) {
        BigDecimal micros = inputPerMTokens.multiply(BigDecimal.valueOf(promptTokens))
                .add(outputPerMTokens.multiply(BigDecimal.valueOf(completionTokens)));
        return micros.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    public long imageCostMicros(int images) {
        return toMicros(perImage.multiply(BigDecimal.valueOf(images)));
    }

    public boolean isFree() {
        return inputPerMTokens.signum() == 0 && outputPerMTokens.signum() == 0 && perImage.signum() == 0
                && perAudioSecond.signum() == 0 && perMCharacters.signum() == 0 && perVideoSecond.signum() == 0;
    }

    private static long toMicros(BigDecimal usd) {
        return usd.multiply(MICROS).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static BigDecimal orZero(BigDecimal v) {
        return v == null ? BigDecimal.ZERO : v;
    }
}
