package ai.aideon.client.metering;

import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.TierPolicy;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.Usage;
import ai.aideon.core.catalog.Catalog;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Route;
import ai.aideon.core.route.Attempt;
import ai.aideon.core.route.Candidate;
import ai.aideon.core.route.Skipped;
import java.util.ArrayList;
import ai.aideon.core.route.RouteContext;
import ai.aideon.core.route.RoutePlan;
import ai.aideon.core.route.Router;
import ai.aideon.core.route.RoutingException;
import ai.aideon.core.tier.Accountant;
import ai.aideon.core.tier.Amounts;
import ai.aideon.core.tier.ConversionEvent;
import ai.aideon.core.tier.CostCalculator;
import ai.aideon.core.tier.LimitExceededException;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.tier.RateLimitedException;
import ai.aideon.core.tier.RateLimiter;
import ai.aideon.core.tier.Reservation;
import ai.aideon.core.tier.UsageLedger;
import ai.aideon.core.tier.UsageLedger.LedgerUnavailableException;
import ai.aideon.core.tier.UsageReports;
import ai.aideon.core.tier.UsageRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The money path around one request: admit (tier → plan → rate → reserve the worst case), then exactly one of
 * {@link #succeeded} / {@link #failed}, which make the ledger row durable and settle the reservation. Nothing
 * here waits on the database unless the local lease pool runs dry or a row is being committed.
 */
public final class Metering {
    private static final Logger LOG = LoggerFactory.getLogger(Metering.class);

    private final AideonConfig config;
    private final Supplier<Catalog> catalog;
    private final Router router;
    private final RateLimiter rateLimiter;
    private final Accountant accountant;
    private final UsageLedger ledger;
    private final UsageReports reports;
    private final Clock clock;

    public Metering(AideonConfig config, Supplier<Catalog> catalog, Router router, RateLimiter rateLimiter,
                    Accountant accountant, UsageLedger ledger, UsageReports reports, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.router = router;
        this.rateLimiter = rateLimiter;
        this.accountant = accountant;
        this.ledger = ledger;
        this.reports = reports;
        this.clock = clock;
    }

    public Admission admit(String requestId, Principal principal, ChatRequest request, RouteContext context)
            throws RoutingException, RefusedException {
        TierPolicy tier = config.tier(principal.tier());
        String alias = routeOf(request.model());
        if (alias != null && !tier.allowsRoute(alias)) {
            String allowing = tierAllowingRoute(alias);
            convert(principal, "upgrade_required", alias, allowing, requestId);
            throw upgradeRequired("The route '" + alias + "' is not part of the " + principal.tier() + " tier.",
                    allowing);
        }
        RoutePlan plan;
        try {
            plan = router.plan(request, context);
        } catch (RoutingException e) {
            if (e.reason() == RoutingException.Reason.TIER_NOT_ALLOWED) {
                convert(principal, "upgrade_required", request.model(), e.allowingTier(), requestId);
                throw upgradeRequired(e.getMessage(), e.allowingTier());
            }
            throw e;
        }
        return admit(requestId, principal, request, plan, CostCalculator.worstCase(plan, request.maxTokens(),
                request.n()));
    }

    /**
     * Admission for a request whose plan the caller made (non-chat modalities): rate, quota and budget checks and
     * the reservation of {@code worstCase}.
     */
    public Admission admitPlanned(String requestId, Principal principal, RoutePlan plan, Amounts worstCase)
            throws RefusedException {
        TierPolicy tier = config.tier(principal.tier());
        if (plan.routeAlias() != null && catalog.get().route(plan.routeAlias()).isPresent()
                && !tier.allowsRoute(plan.routeAlias())) {
            String allowing = tierAllowingRoute(plan.routeAlias());
            convert(principal, "upgrade_required", plan.routeAlias(), allowing, requestId);
            throw upgradeRequired("The route '" + plan.routeAlias() + "' is not part of the " + principal.tier()
                    + " tier.", allowing);
        }
        return admit(requestId, principal, null, plan, worstCase);
    }

    /** The refusal (and conversion event) for a model or route the caller's tier may not use. */
    public RefusedException upgradeRequired(String requestId, Principal principal, String asked, RoutingException e) {
        convert(principal, "upgrade_required", asked, e.allowingTier(), requestId);
        return upgradeRequired(e.getMessage(), e.allowingTier());
    }

    private Admission admit(String requestId, Principal principal, ChatRequest request, RoutePlan plan,
                            Amounts worstCase) throws RefusedException {
        TierPolicy tier = config.tier(principal.tier());
        try {
            // Prompt tokens now; the completion is charged when known (see succeeded).
            rateLimiter.acquire(principal, plan.promptTokens());
        } catch (RateLimitedException e) {
            convert(principal, "rate_limited", e.which() + "_per_minute", tier.upgradeTo(), requestId);
            throw new RefusedException(429, "rate_limit_error", "rate_limit_exceeded", null,
                    "Rate limit of your " + principal.tier() + " tier reached (" + e.which()
                            + " per minute). Retry after " + seconds(e.retryAfter()) + " s." + upgradeHint(tier),
                    seconds(e.retryAfter()));
        }
        Reservation reservation;
        try {
            try {
                reservation = accountant.reserve(principal, worstCase);
            } catch (LimitExceededException e) {
                // Budget low: keep only the candidates whose own worst case still fits (cheapest that fits).
                RoutePlan affordable = e.isBudget() && request != null ? affordable(plan, request, e.remaining())
                        : null;
                if (affordable == null) {
                    throw e;
                }
                plan = affordable;
                worstCase = CostCalculator.worstCase(plan, request.maxTokens(), request.n());
                reservation = accountant.reserve(principal, worstCase);
            }
        } catch (RuntimeException storeDown) {
            // Without the store we cannot prove the budget holds: refuse rather than risk overspend.
            LOG.error("allowance store unavailable while admitting request {}", requestId, storeDown);
            throw new RefusedException(503, "service_unavailable", "store_unavailable", null,
                    "The gateway cannot check your budget right now; retry shortly.", 1L);
        } catch (LimitExceededException e) {
            long retryAfter = Math.max(1, Duration.between(clock.instant(), e.resetsAt()).toSeconds());
            String what = e.limit().meter().wire() + "_per_" + e.limit().period().wire();
            if (e.isBudget()) {
                convert(principal, "budget_exceeded", what, tier.upgradeTo(), requestId);
                throw new RefusedException(402, "insufficient_quota", "budget_exceeded", null,
                        "This request could cost up to $" + usd(e.needed()) + " but only $" + usd(e.remaining())
                                + " of the " + e.limit().period().wire() + "ly budget of $" + usd(e.limit().max())
                                + " is left; it resets at " + e.resetsAt() + "." + upgradeHint(tier), retryAfter);
            }
            convert(principal, "quota_exceeded", what, tier.upgradeTo(), requestId);
            throw new RefusedException(429, "insufficient_quota", "quota_exceeded", null,
                    "Quota reached: " + e.getMessage() + "." + upgradeHint(tier), retryAfter);
        }
        return new Admission(requestId, principal, request, plan, reservation, worstCase, System.nanoTime());
    }

    /**
     * A request answered (fully, or a stream that broke after delivering something: then {@code usage} is what
     * was delivered and {@code errorKind} says why it ended). Returns the cost in micro-dollars. The row is durable
     * when this returns; only then may the response's final byte go out.
     */
    public long succeeded(Admission a, ModelSpec served, Usage usage, List<Attempt> attempts, int status,
                          String errorKind) throws LedgerUnavailableException {
        return succeeded(a, served, usage, CostCalculator.actual(served, usage), attempts, status, errorKind);
    }

    /** As above for requests billed in other units (characters, audio seconds, images): {@code actual} says what. */
    public long succeeded(Admission a, ModelSpec served, Usage usage, Amounts actual, List<Attempt> attempts,
                          int status, String errorKind) throws LedgerUnavailableException {
        rateLimiter.chargeTokens(a.principal(), usage.completionTokens());
        UsageRow row = row(a, served, usage, actual, attempts, status, errorKind);
        try {
            ledger.append(row);
        } finally {
            // Settle even when the ledger failed: the upstream did the work, so the local pool must count it.
            accountant.settle(a.reservation(), actual);
        }
        return actual.costMicros();
    }

    /** What a cache hit counts against limits: one request (request quotas and rates apply), no tokens, no money. */
    public static final Amounts CACHE_HIT = new Amounts(1, 0, 0, 0, 0);

    /**
     * A request answered from the response cache. Its row says where the answer came from ({@code route} is
     * {@code cache:exact} or {@code cache:semantic}, source {@code cache}, {@code model} the model that computed the
     * answer originally) and what it cost: nothing. No provider is named, since none was called, so the per-provider
     * reconciliation against upstream bills leaves hits out. Zero tokens: token quotas and tokens-per-minute meter
     * work a model did, and none did (the prompt tokens counted at admission are given back). The request itself
     * still counts against request quotas and requests-per-minute, like any request the gateway answers.
     * The row is durable when this returns.
     */
    public void servedFromCache(Admission a, String route, ModelSpec original) throws LedgerUnavailableException {
        rateLimiter.refundTokens(a.principal(), a.plan().promptTokens());
        Principal p = a.principal();
        long latencyMs = (System.nanoTime() - a.startedNanos()) / 1_000_000;
        UsageRow row = new UsageRow(a.requestId(), p.tenantId(), p.keyId(), p.tier(), route, null, original.id(),
                "cache", 0, 0, 0, CACHE_HIT, latencyMs, 200, null, rowTime(),
                a.reservation().spends(CACHE_HIT), a.clientRequestId());
        try {
            ledger.append(row);
        } finally {
            accountant.settle(a.reservation(), CACHE_HIT);
        }
    }

    /** Nothing was delivered: no charge, but the request still gets its row (status and why it failed). */
    public void failed(Admission a, List<Attempt> attempts, int status, String errorKind) {
        UsageRow row = row(a, null, Usage.ZERO, Amounts.ZERO, attempts, status, errorKind);
        try {
            ledger.append(row);
        } catch (LedgerUnavailableException e) {
            LOG.error("ledger unavailable; lost the failure row of request {}", a.requestId(), e);
        } finally {
            accountant.cancel(a.reservation());
        }
    }

    /** The plan without candidates that alone would cost more than {@code remaining}; null when none is left. */
    private static RoutePlan affordable(RoutePlan plan, ChatRequest request, long remainingMicros) {
        List<Candidate> keep = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>(plan.skipped());
        for (Candidate c : plan.candidates()) {
            RoutePlan alone = new RoutePlan(plan.requested(), plan.routeAlias(), plan.role(), plan.promptTokens(),
                    List.of(c), List.of());
            if (CostCalculator.worstCase(alone, request.maxTokens(), request.n()).costMicros() <= remainingMicros) {
                keep.add(c);
            } else {
                skipped.add(new Skipped(c.model().id(), "over the remaining budget"));
            }
        }
        if (keep.isEmpty() || keep.size() == plan.candidates().size()) {
            return null;
        }
        return new RoutePlan(plan.requested(), plan.routeAlias(), plan.role(), plan.promptTokens(), keep, skipped);
    }

    /**
     * Safety net for paths that end without {@link #succeeded} or {@link #failed} (a bug, an unexpected
     * exception): gives the reservation back so its lease is not held forever. Idempotent.
     */
    public void abandon(Admission a) {
        if (a.reservation() != null && a.reservation().isOpen()) {
            accountant.cancel(a.reservation());
        }
    }

    private UsageRow row(Admission a, ModelSpec served, Usage usage, Amounts actual, List<Attempt> attempts,
                         int status, String errorKind) {
        Principal p = a.principal();
        long latencyMs = (System.nanoTime() - a.startedNanos()) / 1_000_000;
        return new UsageRow(a.requestId(), p.tenantId(), p.keyId(), p.tier(), a.plan().routeAlias(),
                served == null ? null : served.provider(), served == null ? null : served.id(),
                served == null ? null : served.source().wire(), attempts.size(), usage.promptTokens(),
                usage.completionTokens(), actual, latencyMs, status, errorKind, rowTime(),
                a.reservation().spends(actual), a.clientRequestId());
    }

    /**
     * A usage row's time: to the millisecond, which is all the ledger keeps, from {@link Clock#millis()} (a cheap
     * intrinsic for the system clock, where {@link Clock#instant()} is a native call; this runs for every request).
     */
    private Instant rowTime() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private String routeOf(String model) {
        Catalog c = catalog.get();
        if (c.route(model).isPresent()) {
            return model;
        }
        return c.homeRouteOf(model).map(Route::alias).orElse(null);
    }

    private String tierAllowingRoute(String alias) {
        for (Map.Entry<String, TierPolicy> t : config.tiers().entrySet()) {
            if (t.getValue().allowsRoute(alias)) {
                return t.getKey();
            }
        }
        return null;
    }

    private RefusedException upgradeRequired(String message, String allowingTier) {
        String url = config.store() == null ? null : config.store().upgradeUrl();
        return new RefusedException(403, "permission_error", "upgrade_required", "model",
                message + (allowingTier == null ? "" : " The " + allowingTier + " tier allows it.")
                        + (url == null ? "" : " Upgrade: " + url), null);
    }

    private String upgradeHint(TierPolicy tier) {
        String url = config.store() == null ? null : config.store().upgradeUrl();
        if (tier.upgradeTo() == null) {
            return "";
        }
        return " The " + tier.upgradeTo() + " tier has higher limits" + (url == null ? "." : ": " + url);
    }

    private void convert(Principal p, String kind, String asked, String allowingTier, String requestId) {
        ConversionEvent event = new ConversionEvent(clock.instant(), p.tenantId(), p.tier(), kind, asked,
                allowingTier, requestId);
        // Analytics must not slow the refusal down or fail it.
        Thread.ofVirtual().name("aideon-conversion").start(() -> {
            try {
                reports.recordConversion(event);
            } catch (RuntimeException e) {
                LOG.warn("could not record conversion event {} for tenant {}", kind, p.tenantId(), e);
            }
        });
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    /**
     * Micro-dollars as a dollar amount with 6 decimals ({@code 1234} → {@code "0.001234"}), what
     * {@code BigDecimal.valueOf(micros, 6).toPlainString()} gives, without the BigDecimal: this runs twice for every
     * response (its {@code x-aideon-cost-usd} and its body's {@code cost_usd}), so the digits go straight into one
     * array instead of through a builder and a string of the digits.
     */
    public static String usd(long micros) {
        if (micros < 0) {
            // Math.abs(Long.MIN_VALUE) stays negative: go through the unsigned value.
            return "-" + usdOfUnsigned(Long.toUnsignedString(-micros));
        }
        byte[] out = new byte[20]; // 19 digits of a long, and the point
        int at = out.length;
        long rest = micros;
        for (int i = 0; i < 6; i++) {
            out[--at] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        out[--at] = '.';
        do {
            out[--at] = (byte) ('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        return new String(out, at, out.length - at, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** {@link #usd} of the decimal digits of an unsigned amount of micro-dollars. */
    private static String usdOfUnsigned(String digits) {
        if (digits.length() <= 6) {
            return "0." + "000000".substring(digits.length()) + digits;
        }
        int point = digits.length() - 6;
        return digits.substring(0, point) + "." + digits.substring(point);
    }

    public Instant now() {
        return clock.instant();
    }
}
