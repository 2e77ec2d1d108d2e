package ai.aideon.core.tier;

import ai.aideon.core.api.Usage;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.route.Candidate;
import ai.aideon.core.route.RoutePlan;

import java.util.Objects;

/**
 * Turns token usage into the {@link Amounts} the {@link Accountant} reserves and settles. Money is integer
 * micro-dollars, rounded up ({@link ai.aideon.core.catalog.Price#tokenCostMicros}).
 */
public final class CostCalculator {

    private CostCalculator() {
    }

    /** What {@code u} costs on {@code m}, in micro-dollars (rounded up). */
    public static long costMicros(ModelSpec m, Usage u) {
        return m.price().tokenCostMicros(u.promptTokens(), u.completionTokens());
    }

    /** What one chat request that used {@code u} on {@code m} counts against limits: 1 request, its tokens, its cost. */
    public static Amounts actual(ModelSpec m, Usage u) {
        return new Amounts(1, u.totalTokens(), 0, 0, costMicros(m, u));
    }

    /**
     * The worst case of a request billed by its input only (embeddings): 1 request, the counted input tokens (with
     * the router's margin, in {@code plan.promptTokens()}), and the most expensive candidate's input price for them.
     */
    public static Amounts inputOnly(RoutePlan plan) {
        long tokens = Math.max(0, plan.promptTokens());
        long cost = 0;
        for (Candidate c : plan.candidates()) {
            cost = Math.max(cost, c.model().price().tokenCostMicros(tokens, 0));
        }
        return new Amounts(1, tokens, 0, 0, cost);
    }

    /**
     * The worst case of an image request: 1 request, {@code n} images, and the dearest candidate's price for
     * {@code n} images (fallback may land on any of them).
     */
    public static Amounts imagesWorstCase(RoutePlan plan, int n) {
        Objects.requireNonNull(plan, "plan");
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1: " + n);
        }
        long cost = 0;
        for (Candidate c : plan.candidates()) {
            cost = Math.max(cost, c.model().price().imageCostMicros(n));
        }
        return new Amounts(1, 0, n, 0, cost);
    }

    /** What an image request that delivered {@code images} images from {@code m} counts: exactly those images. */
    public static Amounts imagesActual(ModelSpec m, int images) {
        return new Amounts(1, 0, images, 0, m.price().imageCostMicros(images));
    }

    /** {@link #worstCase(RoutePlan, Integer, int)} for one choice ({@code n = 1}). */
    public static Amounts worstCase(RoutePlan plan, Integer maxTokens) {
        return worstCase(plan, maxTokens, 1);
    }

    /**
     * The most a chat request can use on any candidate of its plan, to reserve before the first upstream call:
     * 1 request; tokens = counted prompt (with the router's safety margin) + {@code n ×} completion, where the
     * completion is {@code maxTokens} when given, else the largest candidate window minus the prompt (at least 1);
     * cost = the maximum over candidates of the prompt plus {@code n ×} that candidate's completion (its own window
     * when {@code maxTokens} is absent) at that candidate's price.
     *
     * <p>A candidate with an unknown window ({@code contextWindow == 0}) and no {@code maxTokens} counts a completion
     * of 1 token: the catalog should give every chat model a window, otherwise the reservation can undershoot.
     *
     * @param n number of choices the request asks for (completion tokens are paid per choice)
     */
    public static Amounts worstCase(RoutePlan plan, Integer maxTokens, int n) {
        Objects.requireNonNull(plan, "plan");
        if (maxTokens != null && maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must not be negative: " + maxTokens);
        }
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1: " + n);
        }
        long prompt = Math.max(0, plan.promptTokens());
        long largestCompletion = maxTokens != null ? maxTokens : 1;
        long cost = 0;
        for (Candidate c : plan.candidates()) {
            long completion = maxTokens != null ? maxTokens : Math.max(1, c.model().contextWindow() - prompt);
            largestCompletion = Math.max(largestCompletion, completion);
            cost = Math.max(cost, c.model().price().tokenCostMicros(prompt, Math.multiplyExact(completion, (long) n)));
        }
        long tokens = Math.addExact(prompt, Math.multiplyExact(largestCompletion, (long) n));
        return new Amounts(1, tokens, 0, 0, cost);
    }
}
