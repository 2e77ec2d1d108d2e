package ai.aideon.store;

import ai.aideon.core.tier.Amounts;
import ai.aideon.core.tier.ConversionEvent;
import ai.aideon.core.tier.UsageReports;
import ai.aideon.core.tier.UsageRow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The read side of the ledger. Every per-tenant query filters on {@code tenant_id = :tenantId} in SQL (never in
 * Java after the fact), so one tenant's view cannot contain another's rows.
 */
final class JdbiUsageReports implements UsageReports {

    /** The group key of rows that have none (e.g. no provider on a request refused before routing). */
    static final String NONE = "unknown";
    /**
     * A row the client saw fail: an error status, or an error kind on a 200 (a stream that broke after its first
     * byte). A constant, never caller text.
     */
    private static final String FAILED = "status >= 400 OR error_kind IS NOT NULL";
    /**
     * SQLite: the tenants that have ledger rows, read off the {@code (tenant_id, created_at)} index one seek per
     * tenant (a "loose index scan"). The SQLite ledger has no index on {@code created_at} alone: each index costs
     * the ledger's writer ~0.7 µs per row, on every request. A query over every tenant's rows in a time window
     * names {@link #IN_LEDGER_TENANTS} instead, and SQLite then reads the window's range of the tenant index once
     * per tenant rather than scanning the table. PostgreSQL keeps its {@code created_at} index and plain queries.
     */
    private static final String LEDGER_TENANTS = """
            WITH RECURSIVE ledger_tenants (id) AS (
                SELECT MIN(tenant_id) FROM usage_ledger
                UNION ALL
                SELECT (SELECT MIN(tenant_id) FROM usage_ledger WHERE tenant_id > ledger_tenants.id)
                FROM ledger_tenants WHERE ledger_tenants.id IS NOT NULL)
            """;
    private static final String IN_LEDGER_TENANTS =
            "tenant_id IN (SELECT id FROM ledger_tenants WHERE id IS NOT NULL)";
    /** How far back from the newest row {@link #recentOfAllTenantsOnSqlite} looks, one window after another. */
    private static final List<Duration> RECENT_WINDOWS = List.of(Duration.ofMinutes(1), Duration.ofHours(1),
            Duration.ofDays(1), Duration.ofDays(31), Duration.ofDays(366));

    private final Database db;
    /** Brings the ledger's latest rows into the database before a report reads it. */
    private final Runnable ledgerSync;

    JdbiUsageReports(Database db, Runnable ledgerSync) {
        this.db = db;
        this.ledgerSync = ledgerSync;
    }

    @Override
    public List<UsageGroup> usage(String tenantId, Instant from, Instant to, GroupBy groupBy) {
        String sql = usageSql(tenantId, groupBy);
        ledgerSync.run();
        return db.read(h -> {
            return window(h, sql, tenantId, from, to)
                    .map((rs, ctx) -> new UsageGroup(rs.getString("group_key"), rs.getLong("requests"),
                            rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("images"),
                            rs.getLong("audio_seconds"), rs.getLong("cost_micros"), rs.getLong("calls"),
                            rs.getLong("errors")))
                    .list();
        });
    }

    /** Package-private: a test reads SQLite's plan for it. */
    String usageSql(String tenantId, GroupBy groupBy) {
        return tenantsFirst(tenantId)
                + "SELECT COALESCE(" + groupColumn(groupBy) + ", '" + NONE + "') AS group_key, "
                + "SUM(requests) AS requests, SUM(prompt_tokens) AS prompt_tokens, "
                + "SUM(completion_tokens) AS completion_tokens, SUM(images) AS images, "
                + "SUM(audio_seconds) AS audio_seconds, SUM(cost_micros) AS cost_micros, COUNT(*) AS calls, "
                + "SUM(CASE WHEN " + FAILED + " THEN 1 ELSE 0 END) AS errors "
                + "FROM usage_ledger WHERE created_at >= :from AND created_at < :to" + tenantFilter(tenantId)
                + " GROUP BY 1 ORDER BY 1";
    }

    /** Newest first; ties on the millisecond are broken by request id, which grows with time (see the ids). */
    @Override
    public List<UsageRow> recentRequests(String tenantId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        ledgerSync.run();
        if (tenantId != null || db.dialect() != Dialect.SQLITE) {
            return db.read(h -> recent(h, tenantId, null, limit));
        }
        return db.read(h -> recentOfAllTenantsOnSqlite(h, limit));
    }

    /**
     * SQLite, all tenants: the newest rows are searched for in growing windows back from the newest row indexed,
     * each a range of the {@code (tenant_id, created_at)} index per tenant, until one holds {@code limit} rows (or
     * the last, unbounded one). A window's newest {@code limit} rows are the ledger's: every row outside it is
     * older than every row in it. Live traffic fills the first window; only a quiet ledger reaches the last.
     */
    private List<UsageRow> recentOfAllTenantsOnSqlite(Handle h, int limit) {
        // The row with the highest rowid was indexed last: its time is a good guess at "now" in the ledger's terms
        // (a replayed journal's older rows can be indexed later; the windows stay exact, this only guesses).
        Long newest = h.createQuery("SELECT created_at FROM usage_ledger ORDER BY rowid DESC LIMIT 1")
                .mapTo(Long.class).findOne().orElse(null);
        if (newest == null) {
            return List.of();
        }
        for (Duration back : RECENT_WINDOWS) {
            List<UsageRow> rows = recent(h, null, newest - back.toMillis(), limit);
            if (rows.size() == limit) {
                return rows;
            }
        }
        return recent(h, null, null, limit);
    }

    /** The newest {@code limit} rows of one tenant or all, created at or after {@code since} when non-null. */
    private List<UsageRow> recent(Handle h, String tenantId, Long since, int limit) {
        Query query = h.createQuery(recentSql(tenantId, since != null)).bind("limit", limit);
        if (tenantId != null) {
            query.bind("tenantId", tenantId);
        }
        if (since != null) {
            query.bind("since", since.longValue());
        }
        return query.map((rs, ctx) -> new UsageRow(rs.getString("request_id"), rs.getString("tenant_id"),
                        rs.getString("key_id"), rs.getString("tier"), rs.getString("route"),
                        rs.getString("provider"), rs.getString("model"), rs.getString("source"),
                        rs.getInt("attempts"), rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"),
                        new Amounts(rs.getLong("requests"), rs.getLong("tokens"), rs.getLong("images"),
                                rs.getLong("audio_seconds"), rs.getLong("cost_micros")),
                        rs.getLong("latency_ms"), rs.getInt("status"), rs.getString("error_kind"),
                        Epoch.instant(rs.getLong("created_at")), List.of(), rs.getString("client_request_id")))
                .list();
    }

    /**
     * Per provider and UTC day. {@code requests} counts rows (calls attributed to the provider, whatever their
     * status, as a provider bills them); {@code units} adds images and audio seconds.
     */
    @Override
    public List<ReconciliationLine> reconciliation(Instant from, Instant to) {
        ledgerSync.run();
        return db.read(h -> h.createQuery(reconciliationSql())
                .bind("from", Epoch.millis(from))
                .bind("to", Epoch.millis(to))
                .map((rs, ctx) -> new ReconciliationLine(LocalDate.parse(rs.getString("usage_day")),
                        rs.getString("provider"), rs.getLong("requests"), rs.getLong("prompt_tokens"),
                        rs.getLong("completion_tokens"), rs.getLong("units"), rs.getLong("cost_micros")))
                .list());
    }

    /** Package-private: a test reads SQLite's plan for it. */
    String recentSql(String tenantId, boolean since) {
        return tenantsFirst(tenantId)
                + "SELECT request_id, tenant_id, key_id, tier, route, provider, model, source, attempts, "
                + "prompt_tokens, completion_tokens, requests, tokens, images, audio_seconds, cost_micros, latency_ms, "
                + "status, error_kind, created_at, client_request_id FROM usage_ledger WHERE 1 = 1"
                + tenantFilter(tenantId) + (since ? " AND created_at >= :since" : "")
                + " ORDER BY created_at DESC, request_id DESC LIMIT :limit";
    }

    /** Package-private: a test reads SQLite's plan for it. */
    String reconciliationSql() {
        return tenantsFirst(null) + """
                SELECT usage_day, provider, COUNT(*) AS requests, SUM(prompt_tokens) AS prompt_tokens,
                    SUM(completion_tokens) AS completion_tokens, SUM(images + audio_seconds) AS units,
                    SUM(cost_micros) AS cost_micros
                FROM usage_ledger
                WHERE created_at >= :from AND created_at < :to AND provider IS NOT NULL"""
                + tenantFilter(null) + " GROUP BY usage_day, provider ORDER BY usage_day, provider";
    }

    /** {@link #LEDGER_TENANTS} before a query over all tenants on SQLite; nothing otherwise. */
    private String tenantsFirst(String tenantId) {
        return tenantId == null && db.dialect() == Dialect.SQLITE ? LEDGER_TENANTS : "";
    }

    /** The ledger query's tenant condition: the one tenant, or on SQLite every tenant of {@link #LEDGER_TENANTS}. */
    private String tenantFilter(String tenantId) {
        if (tenantId != null) {
            return " AND tenant_id = :tenantId";
        }
        return db.dialect() == Dialect.SQLITE ? " AND " + IN_LEDGER_TENANTS : "";
    }

    @Override
    public void recordConversion(ConversionEvent event) {
        Objects.requireNonNull(event.at(), "at");
        Objects.requireNonNull(event.tenantId(), "tenantId");
        Objects.requireNonNull(event.kind(), "kind");
        db.inWriteTransaction(h -> h.createUpdate("""
                        INSERT INTO conversions (occurred_at, tenant_id, tier, kind, asked, allowing_tier, request_id)
                        VALUES (:at, :tenantId, :tier, :kind, :asked, :allowingTier, :requestId)""")
                .bind("at", Epoch.millis(event.at()))
                .bind("tenantId", event.tenantId())
                .bind("tier", event.tier())
                .bind("kind", event.kind())
                .bind("asked", event.asked())
                .bind("allowingTier", event.allowingTier())
                .bind("requestId", event.requestId())
                .execute());
    }

    /** One tenant's events ({@code tenantId} non-null) or everyone's, oldest first. */
    @Override
    public List<ConversionEvent> conversions(String tenantId, Instant from, Instant to) {
        String sql = "SELECT occurred_at, tenant_id, tier, kind, asked, allowing_tier, request_id FROM conversions "
                + "WHERE occurred_at >= :from AND occurred_at < :to"
                + (tenantId != null ? " AND tenant_id = :tenantId" : "")
                + " ORDER BY occurred_at, id";
        return db.read(h -> {
            return window(h, sql, tenantId, from, to)
                    .map((rs, ctx) -> new ConversionEvent(Epoch.instant(rs.getLong("occurred_at")),
                            rs.getString("tenant_id"), rs.getString("tier"), rs.getString("kind"),
                            rs.getString("asked"), rs.getString("allowing_tier"), rs.getString("request_id")))
                    .list();
        });
    }

    @Override
    public List<ConversionCount> conversionFunnel(String tenantId, Instant from, Instant to) {
        String sql = "SELECT COALESCE(tier, '" + NONE + "') AS tier_key, kind, COUNT(*) AS events, "
                + "COUNT(DISTINCT tenant_id) AS tenants FROM conversions "
                + "WHERE occurred_at >= :from AND occurred_at < :to"
                + (tenantId != null ? " AND tenant_id = :tenantId" : "")
                + " GROUP BY 1, kind ORDER BY 1, kind";
        return db.read(h -> {
            return window(h, sql, tenantId, from, to)
                    .map((rs, ctx) -> new ConversionCount(rs.getString("tier_key"), rs.getString("kind"),
                            rs.getLong("events"), rs.getLong("tenants")))
                    .list();
        });
    }

    /** {@code sql} with its time window bound, and its tenant when the query names one (non-null). */
    private static Query window(Handle h, String sql, String tenantId, Instant from, Instant to) {
        Query query = h.createQuery(sql)
                .bind("from", Epoch.millis(from))
                .bind("to", Epoch.millis(to));
        if (tenantId != null) {
            query.bind("tenantId", tenantId);
        }
        return query;
    }

    /** Constants only: the group-by column is chosen by enum, never from caller text. */
    private static String groupColumn(GroupBy groupBy) {
        return switch (groupBy) {
            case MODEL -> "model";
            case PROVIDER -> "provider";
            case DAY -> "usage_day";
            case TIER -> "tier";
            case TENANT -> "tenant_id";
            case SOURCE -> "source";
        };
    }
}
