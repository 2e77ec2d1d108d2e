package ai.aideon.store;

import ai.aideon.core.tier.LeaseSpend;
import ai.aideon.core.tier.UsageRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes one batch of ledger rows, with their spends on leases, in one transaction: plain JDBC, because this runs
 * once per group commit on the request path and a mapping layer would cost more than SQLite's own work.
 *
 * <p>SQLite: one connection of the ledger's own, opened on first use and kept with its prepared statements (a
 * 22-column INSERT is worth not re-parsing per commit). It stays in auto-commit mode and runs {@code BEGIN IMMEDIATE}
 * / {@code COMMIT} itself, under the in-process write lock shared with the store's other writers. After any failure
 * it is closed and the next batch starts on a fresh one, so a broken statement or connection never outlives its
 * batch. PostgreSQL: a pooled connection per batch, committing with {@code synchronous_commit = on}.
 *
 * <p>Request ids: PostgreSQL's ledger has them as its primary key, and every insert skips one that is there.
 * SQLite's ledger has no index on them, since each index costs its indexer ~0.7 µs per row, on every request
 * (migration V5): {@link #commitNew} inserts rows known to be new without looking, and {@link #commit}, for journal
 * replays, looks each row up by its tenant and time in the tenant index first.
 *
 * <p>Not thread-safe: the group commit calls it from one thread at a time.
 */
final class LedgerWriter implements LedgerSink {

    /** Values per row in a ledger INSERT (its columns). */
    private static final int COLUMNS = 22;
    /**
     * SQLite: rows per multi-row INSERT. One statement of 32 rows costs ~15-20% less per row than 32 runs of the
     * one-row statement (measured in isolation: a statement run, a reset and their JNI calls per row saved); 32 × 22
     * values stays far below SQLite's limit of 32,766 per statement.
     */
    static final int ROWS_PER_INSERT = 32;
    /**
     * Columns whose value the rows of a chunk nearly always share (one tenant's key, tier, route, provider, model
     * and source, on one day), as 1-based positions in the INSERT's column list. {@link #sharing} compares them.
     */
    private static final int[] SHARED_COLUMNS = {2, 3, 4, 5, 6, 7, 8, 21};
    /**
     * {@link #SHARED_COLUMNS} and the columns that are the same for every plain successful call: attempts (1),
     * requests (1), images and audio seconds (0 for text), status (200), no error kind and no client request id.
     */
    private static final int[] UNIFORM_COLUMNS = {2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 15, 18, 19, 21, 22};
    /** Parameter index of each column (0-based) of each row of a plain INSERT: {@code row * COLUMNS + column + 1}. */
    private static final int[][] PLAIN_AT = parameterIndexes(new int[0]);
    /**
     * The same for {@link #INSERT_MANY_SHARED}: every row names {@code ?1}-{@code ?8} for {@link #SHARED_COLUMNS},
     * and parameters of its own for its other columns.
     */
    private static final int[][] SHARED_AT = parameterIndexes(SHARED_COLUMNS);
    /** The same for {@link #INSERT_MANY_UNIFORM}, with {@code ?1}-{@code ?15} for {@link #UNIFORM_COLUMNS}. */
    private static final int[][] UNIFORM_AT = parameterIndexes(UNIFORM_COLUMNS);
    /** PostgreSQL: one row, skipped when its request id is in the ledger (the table's primary key). */
    private static final String INSERT_UNLESS_PRESENT = insert(PLAIN_AT, 1, false)
            + " ON CONFLICT (request_id) DO NOTHING";
    /** SQLite, for rows known to be new: one row. */
    private static final String INSERT = insert(PLAIN_AT, 1, false);
    /**
     * SQLite: one row unless a row with its request id is in the ledger. SQLite's ledger has no index on request id
     * (see migration V5): the check finds the row through its tenant and time in the tenant index, where rows of
     * one tenant in one millisecond are few.
     */
    static final String INSERT_IF_ABSENT = insertColumns() + " SELECT " + numberedParameters()
            + " WHERE NOT EXISTS (SELECT 1 FROM usage_ledger WHERE tenant_id = ?2 AND created_at = ?20"
            + " AND request_id = ?1)";
    private static final String INSERT_MANY = insert(PLAIN_AT, ROWS_PER_INSERT, false);
    /**
     * SQLite: {@link #INSERT_MANY} for a chunk whose rows all share {@link #SHARED_COLUMNS}. The driver binds each
     * parameter once per statement run (setting it again only overwrites its slot), so the shared values are bound
     * once instead of once per row: 8 of the 9 text binds per row, each a UTF-8 copy, a JNI call and two mallocs in
     * the driver, were ~30% of the indexer's time.
     */
    private static final String INSERT_MANY_SHARED = insert(SHARED_AT, ROWS_PER_INSERT, true);
    /**
     * SQLite: the same for a chunk of plain successful calls, which also share {@link #UNIFORM_COLUMNS}: 8 values
     * bound per row instead of 15 (the binds were still ~15% of the indexer's time with the shared columns alone).
     */
    private static final String INSERT_MANY_UNIFORM = insert(UNIFORM_AT, ROWS_PER_INSERT, true);
    private static final String ADD_USED = "UPDATE leases SET used = used + ? WHERE id = ?";
    /** Same syntax in SQLite (3.24+) and PostgreSQL. */
    private static final String ADD_DAILY = """
            INSERT INTO usage_daily (tenant_id, usage_day, requests, tokens, images, audio_seconds, cost_micros)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, usage_day) DO UPDATE SET requests = usage_daily.requests + excluded.requests,
                tokens = usage_daily.tokens + excluded.tokens, images = usage_daily.images + excluded.images,
                audio_seconds = usage_daily.audio_seconds + excluded.audio_seconds,
                cost_micros = usage_daily.cost_micros + excluded.cost_micros""";
    private static final long DAY_MILLIS = 86_400_000L;

    /**
     * The ledger INSERT for {@code rows} rows whose parameters are {@code at}: plain {@code ?} when they are simply
     * in order (PostgreSQL's driver knows no other), numbered {@code ?N} otherwise.
     */
    private static String insert(int[][] at, int rows, boolean numbered) {
        StringBuilder values = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            values.append(r == 0 ? "(" : ", (");
            for (int column = 0; column < COLUMNS; column++) {
                values.append(column == 0 ? "?" : ", ?");
                if (numbered) {
                    values.append(at[r][column]);
                }
            }
            values.append(')');
        }
        return insertValues(values.toString());
    }

    /** The ledger INSERT with {@code values} (its tuples of parameters) after {@code VALUES}. */
    private static String insertValues(String values) {
        return insertColumns() + " VALUES " + values;
    }

    private static String insertColumns() {
        return """
                INSERT INTO usage_ledger (request_id, tenant_id, key_id, tier, route, provider, model, source, attempts,
                    prompt_tokens, completion_tokens, requests, tokens, images, audio_seconds, cost_micros, latency_ms,
                    status, error_kind, created_at, usage_day, client_request_id)""";
    }

    /** {@code ?1, ?2, … ?22}: one row's values in INSERT order, as {@link #PLAIN_AT} numbers them for one row. */
    private static String numberedParameters() {
        StringBuilder out = new StringBuilder();
        for (int column = 0; column < COLUMNS; column++) {
            out.append(column == 0 ? "?" : ", ?").append(PLAIN_AT[0][column]);
        }
        return out.toString();
    }

    /**
     * Each row's parameter index per column: {@code ?1}-{@code ?N} for the N {@code shared} columns (1-based, in
     * that order) in every row, and a parameter of the row's own for each other column.
     */
    private static int[][] parameterIndexes(int[] shared) {
        int[][] at = new int[ROWS_PER_INSERT][COLUMNS];
        int next = shared.length + 1;
        for (int r = 0; r < ROWS_PER_INSERT; r++) {
            for (int column = 0; column < COLUMNS; column++) {
                int sharedIndex = indexOf(shared, column + 1);
                at[r][column] = sharedIndex >= 0 ? sharedIndex + 1 : next++;
            }
        }
        return at;
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private final Database db;
    private boolean closed;

    // SQLite only: the kept connection and its statements (null until first use and after a failure).
    private Connection sqlite;
    private PreparedStatement begin;
    private PreparedStatement commit;
    private PreparedStatement insert;
    private PreparedStatement insertIfAbsent;
    private PreparedStatement insertMany;
    private PreparedStatement insertManyShared;
    private PreparedStatement insertManyUniform;
    private PreparedStatement addDaily;
    private PreparedStatement addUsed;

    // The UTC day of the last row written: rows of one day share the string (formatting is per-row work otherwise).
    private long lastEpochDay = Long.MIN_VALUE;
    private String lastUsageDay;

    LedgerWriter(Database db) {
        this.db = db;
    }

    /**
     * Commits {@code rows} and their spends in one transaction. As a {@link LedgerSink} (PostgreSQL's, behind group
     * commit) rows are new; a request id already in the ledger is skipped all the same (see {@link #commit}).
     */
    @Override
    public void write(List<UsageRow> rows) throws SQLException {
        commit(rows);
    }

    /** A commit is a transaction: locks, a WAL flush, on PostgreSQL a round trip. */
    @Override
    public boolean gatherBeforeWrite() {
        return true;
    }

    /** A commit is visible to every query once it returns. */
    @Override
    public void sync() {
    }

    /**
     * Commits {@code rows} and their spends in one transaction, skipping every row whose request id is already in
     * the ledger (that row keeps its first version, and its spends are not applied again): what a journal replay
     * needs. Returns, per row, whether it was inserted. Throws when nothing was committed.
     */
    boolean[] commit(List<UsageRow> rows) throws SQLException {
        checkOpen();
        return db.dialect() == Dialect.SQLITE ? commitSqlite(rows, false) : commitPostgres(rows);
    }

    /**
     * Commits rows that are not in the ledger, in one transaction: rows this process journaled and has not
     * indexed yet. On SQLite they are inserted without looking for their request ids, by the multi-row statements
     * ({@link #ROWS_PER_INSERT} at a time); a row that is there already would then be there twice, so a caller that
     * cannot tell (a retry after a failed commit) uses {@link #commit}. PostgreSQL: the same as {@link #commit}.
     */
    void commitNew(List<UsageRow> rows) throws SQLException {
        checkOpen();
        if (db.dialect() == Dialect.SQLITE) {
            commitSqlite(rows, true);
        } else {
            commitPostgres(rows);
        }
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("the ledger is closed");
        }
    }

    private boolean[] commitSqlite(List<UsageRow> rows, boolean knownNew) throws SQLException {
        ReentrantLock lock = db.sqliteWriteLock();
        lock.lock();
        try {
            if (sqlite == null) {
                openSqlite();
            }
            boolean committed = false;
            try {
                begin.execute();
                String[] days = usageDays(rows);
                boolean[] inserted;
                if (knownNew) {
                    insertInChunks(rows, days);
                    inserted = new boolean[rows.size()];
                    Arrays.fill(inserted, true);
                } else {
                    inserted = insertEach(insertIfAbsent, rows, days, 0);
                }
                addUp(addDaily, addUsed, rows, days, inserted);
                commit.execute();
                committed = true;
                return inserted;
            } finally {
                if (!committed) {
                    discardSqlite(true);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void openSqlite() throws SQLException {
        Connection c = db.openLedgerConnection();
        try {
            begin = c.prepareStatement("BEGIN IMMEDIATE");
            commit = c.prepareStatement("COMMIT");
            insert = c.prepareStatement(INSERT);
            insertIfAbsent = c.prepareStatement(INSERT_IF_ABSENT);
            insertMany = c.prepareStatement(INSERT_MANY);
            insertManyShared = c.prepareStatement(INSERT_MANY_SHARED);
            insertManyUniform = c.prepareStatement(INSERT_MANY_UNIFORM);
            addDaily = c.prepareStatement(ADD_DAILY);
            addUsed = c.prepareStatement(ADD_USED);
            sqlite = c;
        } catch (SQLException | RuntimeException e) {
            sqlite = c;
            discardSqlite(false);
            throw e;
        }
    }

    /** Closes the kept connection, after rolling back what the failed batch left open, and forgets it. */
    private void discardSqlite(boolean rollBackFirst) {
        Connection c = sqlite;
        sqlite = null;
        begin = commit = insert = insertIfAbsent = insertMany = insertManyShared = insertManyUniform = addDaily
                = addUsed = null;
        if (c == null) {
            return;
        }
        if (rollBackFirst) {
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK");
            } catch (SQLException | RuntimeException ignored) {
                // no transaction was open, or the connection is broken: closing it below is what is left
            }
        }
        try {
            c.close(); // closes its statements; SQLite also rolls back a transaction left open
        } catch (SQLException | RuntimeException ignored) {
            // nothing more to do with a broken connection
        }
    }

    private boolean[] commitPostgres(List<UsageRow> rows) throws SQLException {
        try (Connection c = db.openLedgerConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    // The ledger's durability must not depend on the server's default: force a flushed commit.
                    s.execute("SET LOCAL synchronous_commit = on");
                }
                boolean[] inserted;
                try (PreparedStatement ins = c.prepareStatement(INSERT_UNLESS_PRESENT);
                     PreparedStatement daily = c.prepareStatement(ADD_DAILY);
                     PreparedStatement used = c.prepareStatement(ADD_USED)) {
                    String[] days = usageDays(rows);
                    inserted = insertEach(ins, rows, days, 0);
                    addUp(daily, used, rows, days, inserted);
                }
                c.commit();
                return inserted;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException | RuntimeException ignored) {
                    // the pool discards a broken connection; the batch fails with the first error
                }
                throw e;
            }
        }
    }

    /** SQLite: inserts new rows {@link #ROWS_PER_INSERT} at a time, the rest one by one. */
    private void insertInChunks(List<UsageRow> rows, String[] days) throws SQLException {
        int chunked = rows.size() - rows.size() % ROWS_PER_INSERT;
        // Per sharing level (none, shared, uniform): its statement, its parameters, and whether a chunk used it.
        PreparedStatement[] statements = {insertMany, insertManyShared, insertManyUniform};
        int[][][] parameters = {PLAIN_AT, SHARED_AT, UNIFORM_AT};
        boolean[] used = new boolean[statements.length];
        for (int start = 0; start < chunked; start += ROWS_PER_INSERT) {
            int level = sharing(rows, days, start);
            for (int j = 0; j < ROWS_PER_INSERT; j++) {
                bind(statements[level], parameters[level][j], rows.get(start + j), days[start + j]);
            }
            statements[level].addBatch();
            used[level] = true;
        }
        for (int level = 0; level < statements.length; level++) {
            if (used[level]) {
                statements[level].executeBatch();
            }
        }
        insertEach(insert, rows, days, chunked);
    }

    /**
     * How much the {@link #ROWS_PER_INSERT} rows from {@code start} have in common with the first of them: 2 all of
     * {@link #UNIFORM_COLUMNS}, 1 all of {@link #SHARED_COLUMNS}, 0 less.
     */
    private static int sharing(List<UsageRow> rows, String[] days, int start) {
        UsageRow first = rows.get(start);
        boolean uniform = true;
        for (int i = start + 1; i < start + ROWS_PER_INSERT; i++) {
            UsageRow r = rows.get(i);
            if (!Objects.equals(first.tenantId(), r.tenantId()) || !Objects.equals(first.keyId(), r.keyId())
                    || !Objects.equals(first.tier(), r.tier()) || !Objects.equals(first.route(), r.route())
                    || !Objects.equals(first.provider(), r.provider()) || !Objects.equals(first.model(), r.model())
                    || !Objects.equals(first.source(), r.source()) || !days[start].equals(days[i])) {
                return 0;
            }
            uniform = uniform && first.attempts() == r.attempts() && first.status() == r.status()
                    && first.usage().requests() == r.usage().requests()
                    && first.usage().images() == r.usage().images()
                    && first.usage().audioSeconds() == r.usage().audioSeconds()
                    && Objects.equals(first.errorKind(), r.errorKind())
                    && Objects.equals(first.clientRequestId(), r.clientRequestId());
        }
        return uniform ? 2 : 1;
    }

    /**
     * Inserts the rows from index {@code from} on with the one-row statement; returns, per row of {@code rows},
     * whether this inserted it (false for those before {@code from}).
     */
    private static boolean[] insertEach(PreparedStatement ins, List<UsageRow> rows, String[] days, int from)
            throws SQLException {
        boolean[] inserted = new boolean[rows.size()];
        if (from == rows.size()) {
            return inserted;
        }
        for (int i = from; i < rows.size(); i++) {
            bind(ins, PLAIN_AT[0], rows.get(i), days[i]);
            ins.addBatch();
        }
        int[] counts = ins.executeBatch();
        // A duplicate request id keeps its first row; its usage and spends were counted with that row, not again.
        // (A driver answering SUCCESS_NO_INFO (-2) counts as inserted: over-counting used only lends less.)
        for (int i = from; i < rows.size(); i++) {
            inserted[i] = counts[i - from] != 0;
        }
        return inserted;
    }

    /**
     * Adds the inserted rows to their tenant's day in {@code usage_daily} and their spends to their leases. Every
     * writer takes the row locks in this order, daily rows and leases each sorted by key, so concurrent batches
     * (several instances on PostgreSQL) never deadlock.
     */
    private static void addUp(PreparedStatement daily, PreparedStatement used, List<UsageRow> rows, String[] days,
                              boolean[] inserted) throws SQLException {
        // Hash maps while summing (a batch has a handful of tenant-days and leases), sorted once at the end: every
        // writer locks daily rows and leases in the same order.
        Map<TenantDay, long[]> perTenantDay = new HashMap<>();
        Map<String, long[]> spentPerLease = new HashMap<>();
        // Consecutive rows mostly share their tenant, day and lease: a key is looked up only when it changes.
        String lastTenant = null;
        String lastDay = null;
        long[] sums = null;
        String lastLease = null;
        long[] spent = null;
        for (int i = 0; i < rows.size(); i++) {
            if (!inserted[i]) {
                continue;
            }
            UsageRow r = rows.get(i);
            if (sums == null || !r.tenantId().equals(lastTenant) || !days[i].equals(lastDay)) {
                lastTenant = r.tenantId();
                lastDay = days[i];
                sums = perTenantDay.computeIfAbsent(new TenantDay(lastTenant, lastDay), k -> new long[5]);
            }
            sums[0] += r.usage().requests();
            sums[1] += r.usage().tokens();
            sums[2] += r.usage().images();
            sums[3] += r.usage().audioSeconds();
            sums[4] += r.usage().costMicros();
            for (LeaseSpend spend : r.spends()) {
                if (spend.amount() > 0) {
                    if (spent == null || !spend.leaseId().equals(lastLease)) {
                        lastLease = spend.leaseId();
                        spent = spentPerLease.computeIfAbsent(lastLease, k -> new long[1]);
                    }
                    spent[0] += spend.amount();
                }
            }
        }
        if (!perTenantDay.isEmpty()) {
            for (Map.Entry<TenantDay, long[]> e : sorted(perTenantDay, TenantDay.ORDER)) {
                daily.setString(1, e.getKey().tenantId());
                daily.setString(2, e.getKey().day());
                long[] day = e.getValue();
                for (int m = 0; m < day.length; m++) {
                    daily.setLong(3 + m, day[m]);
                }
                daily.addBatch();
            }
            daily.executeBatch();
        }
        if (!spentPerLease.isEmpty()) {
            for (Map.Entry<String, long[]> e : sorted(spentPerLease, Comparator.naturalOrder())) {
                used.setLong(1, e.getValue()[0]);
                used.setString(2, e.getKey());
                used.addBatch();
            }
            used.executeBatch();
        }
    }

    private static <K, V> List<Map.Entry<K, V>> sorted(Map<K, V> map, Comparator<? super K> order) {
        List<Map.Entry<K, V>> entries = new ArrayList<>(map.entrySet());
        entries.sort(Map.Entry.comparingByKey(order));
        return entries;
    }

    private record TenantDay(String tenantId, String day) {
        static final Comparator<TenantDay> ORDER = Comparator.comparing(TenantDay::tenantId)
                .thenComparing(TenantDay::day);
    }

    /** Each row's {@link Epoch#utcDay}. */
    private String[] usageDays(List<UsageRow> rows) {
        String[] days = new String[rows.size()];
        for (int i = 0; i < days.length; i++) {
            days[i] = usageDay(Epoch.millis(rows.get(i).createdAt()));
        }
        return days;
    }

    /** Binds the row's columns, in INSERT order, to the parameters {@code at} names for them. */
    private static void bind(PreparedStatement s, int[] at, UsageRow r, String usageDay) throws SQLException {
        s.setString(at[0], r.requestId());
        s.setString(at[1], r.tenantId());
        text(s, at[2], r.keyId());
        text(s, at[3], r.tier());
        text(s, at[4], r.route());
        text(s, at[5], r.provider());
        text(s, at[6], r.model());
        text(s, at[7], r.source());
        s.setInt(at[8], r.attempts());
        s.setLong(at[9], r.promptTokens());
        s.setLong(at[10], r.completionTokens());
        s.setLong(at[11], r.usage().requests());
        s.setLong(at[12], r.usage().tokens());
        s.setLong(at[13], r.usage().images());
        s.setLong(at[14], r.usage().audioSeconds());
        s.setLong(at[15], r.usage().costMicros());
        s.setLong(at[16], r.latencyMillis());
        s.setInt(at[17], r.status());
        text(s, at[18], r.errorKind());
        s.setLong(at[19], Epoch.millis(r.createdAt()));
        s.setString(at[20], usageDay);
        text(s, at[21], r.clientRequestId());
    }

    private static void text(PreparedStatement s, int index, String value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, value);
        }
    }

    /** {@link Epoch#utcDay} of {@code epochMillis}, formatted once per day. */
    private String usageDay(long epochMillis) {
        long day = Math.floorDiv(epochMillis, DAY_MILLIS);
        if (day != lastEpochDay) {
            lastUsageDay = Epoch.utcDay(Epoch.instant(epochMillis));
            lastEpochDay = day;
        }
        return lastUsageDay;
    }

    @Override
    public void close() {
        closed = true;
        if (db.dialect() == Dialect.SQLITE) {
            ReentrantLock lock = db.sqliteWriteLock();
            lock.lock();
            try {
                discardSqlite(false);
            } finally {
                lock.unlock();
            }
        }
    }
}
