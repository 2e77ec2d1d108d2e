package ai.aideon.server.cli;

import ai.aideon.client.metering.Metering;
import ai.aideon.core.tier.UsageReports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code aideon usage}: usage as a table, or the per-provider per-day reconciliation report. */
@Command(name = "usage", description = "Usage and cost from the ledger (default: this month, by model).")
final class UsageCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    KeysCommand.Target target = new KeysCommand.Target();
    @Option(names = "--tenant", description = "One tenant (default: all)")
    String tenant;
    @Option(names = "--from", description = "First day, yyyy-mm-dd (default: first of this month, UTC)")
    LocalDate from;
    @Option(names = "--to", description = "Last day, yyyy-mm-dd, inclusive (default: today)")
    LocalDate to;
    @Option(names = "--group-by", defaultValue = "model", description = "model, provider, day, tier, tenant or source")
    String groupBy;
    @Option(names = "--reconcile", description = "Per provider and day: requests, units and cost to hold against the bill")
    boolean reconcile;

    @Override
    public Integer call() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Instant start = (from != null ? from : today.withDayOfMonth(1)).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = (to != null ? to : today).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return target.run(b -> {
            if (reconcile) {
                System.out.printf(Locale.ROOT, "%-10s %-12s %9s %12s %12s %8s %14s%n", "DAY", "PROVIDER", "REQUESTS",
                        "PROMPT TOK", "COMPL TOK", "UNITS", "COST USD");
                for (UsageReports.ReconciliationLine l : b.reconciliation(start, end)) {
                    System.out.printf(Locale.ROOT, "%-10s %-12s %9d %12d %12d %8d %14s%n", l.day(), l.provider(),
                            l.requests(), l.promptTokens(), l.completionTokens(), l.units(), Metering.usd(l.costMicros()));
                }
                return;
            }
            UsageReports.GroupBy by;
            try {
                by = UsageReports.GroupBy.valueOf(groupBy.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--group-by must be model, provider, day, tier, tenant or source");
            }
            long requests = 0;
            long cost = 0;
            System.out.printf(Locale.ROOT, "%-48s %9s %12s %12s %8s %8s %14s%n", by.name(), "REQUESTS", "PROMPT TOK",
                    "COMPL TOK", "IMAGES", "AUDIO S", "COST USD");
            for (UsageReports.UsageGroup u : b.usage(tenant, start, end, by)) {
                requests += u.requests();
                cost += u.costMicros();
                System.out.printf(Locale.ROOT, "%-48s %9d %12d %12d %8d %8d %14s%n", u.key(), u.requests(),
                        u.promptTokens(), u.completionTokens(), u.images(), u.audioSeconds(), Metering.usd(u.costMicros()));
            }
            System.out.printf(Locale.ROOT, "%-48s %9d %12s %12s %8s %8s %14s%n", "TOTAL", requests, "", "", "", "",
                    Metering.usd(cost));
        });
    }
}
