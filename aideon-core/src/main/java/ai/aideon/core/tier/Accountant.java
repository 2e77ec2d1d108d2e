package ai.aideon.core.tier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Quotas and budgets on the hot path: reserves a request's worst case against every limit of its principal before
 * any upstream call, and settles the actual use afterwards, spending slices leased from the shared
 * {@link AllowanceStore} in memory.
 *
 * <h2>Protocol</h2>
 * {@code reserve(principal, worstCase)} → upstream call(s) → {@code spends = reservation.spends(actual)} →
 * {@link UsageLedger#append} (durable; commits the spends to their leases) → {@code settle(reservation, actual)}.
 * A request that never reached an upstream is {@link #cancel cancelled}. Settling <em>after</em> the ledger commit
 * is what makes releasing a drained lease safe: its usage is already counted in the store.
 *
 * <h2>Accounts and leases</h2>
 * Every limit {@code (meter, period, max)} of the principal with a positive need is one account
 * ({@link AccountKey}: tenant, meter, period, window start). Per account this instance keeps a pool of leases; a
 * lease's {@code available} is {@code leased − reserved − used}. A reservation draws its whole need on an account
 * from <em>one</em> lease: the current one if it has enough, else another held lease with enough, else a new slice
 * of {@code max(need, minSliceFactor × need, sliceFraction × max)} (at most {@code max}; the store may grant less)
 * which becomes current. The store is called only when the pool cannot cover the need, so the common request
 * touches no store at all. When a new slice is too small, idle leases (no reservation in flight) are returned and
 * the store is asked once more, because the store takes back only whole leases. If the store still grants less
 * than the need, the request is refused with {@link LimitExceededException} ({@code remaining} = what this
 * instance's pool can still give, which after a refusal includes all the store had left); the store is then not
 * asked again for that account for a second (requests that fit the pool still pass), so an exhausted tenant does
 * not turn into database load. Reservations are all-or-nothing across limits; a limit with {@code max == 0}
 * refuses any positive need; several limits of the same meter and period collapse to the strictest.
 *
 * <h2>Why overspend is zero</h2>
 * A draw never exceeds its lease's available part, a lease never exceeds what the store could lend under
 * {@code committed + Σ unspent of live leases ≤ max}, and the ledger commits actual use to the lease it was drawn
 * from. This holds as long as (a) actual use ≤ the reserved worst case (only an upstream reporting more than the
 * worst case breaks it, and then the ledger records the truth) and (b) a lease does not expire while requests drawn
 * from it are in flight: the heartbeat renews every held lease every {@code leaseTtl / 3}, and a lease with less
 * than {@code leaseTtl / 3} left is not drawn from.
 *
 * <h2>Housekeeping</h2>
 * A daemon virtual thread runs {@link #heartbeat()} every {@code leaseTtl / 3} (real time; instants come from the
 * injected clock): it releases leases that are drained, near expiry, idle for a whole {@code leaseTtl}, or of an
 * ended period window, once nothing is in flight on them, and renews all the others. A new period window is a new
 * account; the old window's pool is released once idle.
 *
 * <h2>Threads</h2>
 * Safe for many concurrent (virtual) threads. Each tenant has one {@link ReentrantLock} (no monitors, so virtual
 * threads do not pin) over all its accounts' pools: a reservation takes it once for all its draws, and a settlement
 * once for all its returns, instead of once per account. That is two lock hand-offs per request instead of one per
 * account and phase, each moving the lock's cache line between cores. A store call for a new lease happens under
 * it, so the tenant's other requests wait for it; they would have waited on that account anyway, since a tenant's
 * requests draw from the same accounts. Releasing a lease to the store happens after the lock is let go. No thread
 * ever holds two tenants' locks.
 */
public final class Accountant implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Accountant.class);
    /** After the store had nothing more to lend, refuse from the pool alone for this long (at most ttl / 3). */
    private static final Duration EXHAUSTED_BACKOFF = Duration.ofSeconds(1);

    private final AllowanceStore store;
    private final Clock clock;
    private final String instanceId;
    private final AccountantSettings settings;
    private final Duration ttl;
    private final Duration freshness;
    private final Duration exhaustedBackoff;
    private final ConcurrentHashMap<AccountKey, Pool> pools = new ConcurrentHashMap<>();
    /** One lock per tenant, over all its pools (see "Threads" above); never removed (one per tenant seen). */
    private final ConcurrentHashMap<String, ReentrantLock> tenantLocks = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread heartbeatThread;
    private volatile boolean closed;

    public Accountant(AllowanceStore store, Clock clock, String instanceId, AccountantSettings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ttl = settings.leaseTtl();
        this.freshness = settings.freshness();
        this.exhaustedBackoff = EXHAUSTED_BACKOFF.compareTo(freshness) < 0 ? EXHAUSTED_BACKOFF : freshness;
        this.heartbeatThread = Thread.ofVirtual().name("aideon-lease-heartbeat-" + instanceId)
                .start(this::heartbeatLoop);
    }

    public AccountantSettings settings() {
        return settings;
    }

    /**
     * Reserves {@code worstCase} against every limit of {@code principal} whose meter it needs, or nothing.
     *
     * @throws LimitExceededException the first limit that cannot cover its need (budget: COST_MICROS → 402,
     *                                otherwise 429), with what is left and when the window resets
     * @throws IllegalStateException  after {@link #close()}
     * @throws RuntimeException       whatever the store throws when it must be asked and cannot answer (nothing is
     *                                held then either)
     */
    public Reservation reserve(Principal principal, Amounts worstCase) throws LimitExceededException {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(worstCase, "worstCase");
        if (closed) {
            throw new IllegalStateException("accountant " + instanceId + " is closed");
        }
        Instant now = now();
        List<Limit> limits = applicable(principal.limits(), worstCase);
        List<Draw> draws = new ArrayList<>(limits.size());
        List<String> release = null;
        ReentrantLock lock = tenantLock(principal.tenantId());
        lock.lock();
        try {
            boolean complete = false;
            try {
                for (Limit limit : limits) {
                    draws.add(draw(principal.tenantId(), limit, worstCase.get(limit.meter()), now));
                }
                complete = true;
            } finally {
                if (!complete) {
                    for (Draw d : draws) {
                        release = finish(d, 0, now, release);
                    }
                }
            }
        } finally {
            lock.unlock();
            releaseAllQuietly(release);
        }
        return new Reservation(this, principal, worstCase, draws);
    }

    /**
     * Records {@code actual} on the leases the reservation drew from and returns the unused rest to the pool.
     * Call it after the usage row with {@link Reservation#spends(Amounts)} is durable. Idempotent with
     * {@link #cancel}: only the first call counts. Never throws for store trouble (a lease that cannot be
     * released simply expires).
     */
    public void settle(Reservation r, Amounts actual) {
        Objects.requireNonNull(r, "reservation");
        Objects.requireNonNull(actual, "actual");
        if (r.owner() != this) {
            throw new IllegalArgumentException("reservation belongs to another accountant");
        }
        if (!r.close()) {
            return;
        }
        Instant now = now();
        List<String> release = null;
        ReentrantLock lock = tenantLock(r.principal().tenantId());
        lock.lock();
        try {
            for (Draw d : r.draws()) {
                release = finish(d, actual.get(d.meter()), now, release);
            }
        } finally {
            lock.unlock();
            releaseAllQuietly(release);
        }
    }

    /** Settles with nothing used: the request never reached an upstream (or used nothing). */
    public void cancel(Reservation r) {
        settle(r, Amounts.ZERO);
    }

    /**
     * Stops the heartbeat and releases every lease with nothing in flight. Leases with reservations still in flight
     * are released when those settle (they are no longer renewed). Reserving afterwards is an error.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopped.countDown();
        try {
            heartbeatThread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> release = new ArrayList<>();
        for (Pool pool : pools.values()) {
            pool.lock.lock();
            try {
                for (Iterator<HeldLease> it = pool.leases.iterator(); it.hasNext(); ) {
                    HeldLease h = it.next();
                    if (h.inFlight == 0) {
                        it.remove();
                        pool.forget(h);
                        release.add(h.id);
                    }
                }
                if (pool.leases.isEmpty()) {
                    pool.retire();
                }
            } finally {
                pool.lock.unlock();
            }
        }
        release.forEach(this::releaseQuietly);
    }

    /**
     * One heartbeat (the background thread calls this every {@code leaseTtl / 3}; tests call it directly): releases
     * leases with nothing in flight that are drained, near expiry, idle for {@code leaseTtl} or of an ended window,
     * then renews every other unexpired held lease to {@code now + leaseTtl}.
     */
    void heartbeat() {
        Instant now = now();
        List<String> release = new ArrayList<>();
        List<HeldLease> renew = new ArrayList<>();
        List<Pool> renewPools = new ArrayList<>();
        for (Pool pool : pools.values()) {
            pool.lock.lock();
            try {
                boolean ended = pool.windowEnded(now);
                for (Iterator<HeldLease> it = pool.leases.iterator(); it.hasNext(); ) {
                    HeldLease h = it.next();
                    boolean idleTooLong = !h.lastActivity.plus(ttl).isAfter(now);
                    if (h.inFlight == 0 && (ended || h.available() <= 0 || !usable(h, now) || idleTooLong)) {
                        it.remove();
                        pool.forget(h);
                        release.add(h.id);
                    } else if (h.expiresAt.isAfter(now)) {
                        renew.add(h);
                        renewPools.add(pool);
                    }
                }
                if (pool.leases.isEmpty()) {
                    pool.retire();
                }
            } finally {
                pool.lock.unlock();
            }
        }
        release.forEach(this::releaseQuietly);
        if (renew.isEmpty()) {
            return;
        }
        Instant until = now.plus(ttl);
        try {
            store.renew(renew.stream().map(h -> h.id).toList(), until);
        } catch (RuntimeException e) {
            LOG.warn("lease renewal failed for {} leases; they will be replaced as they near expiry", renew.size(), e);
            return;
        }
        for (int i = 0; i < renew.size(); i++) {
            HeldLease h = renew.get(i);
            Pool pool = renewPools.get(i);
            pool.lock.lock();
            try {
                // A lease that expired meanwhile cannot be revived by the store: do not pretend it was.
                if (!h.released && h.expiresAt.isAfter(now) && until.isAfter(h.expiresAt)) {
                    h.expiresAt = until;
                }
            } finally {
                pool.lock.unlock();
            }
        }
    }

    // ---- diagnostics (package-private: tests) ----

    /** What this instance can still draw on an account without asking the store. */
    long available(AccountKey key) {
        Pool pool = pools.get(key);
        if (pool == null) {
            return 0;
        }
        pool.lock.lock();
        try {
            return pool.available(clock.instant());
        } finally {
            pool.lock.unlock();
        }
    }

    /** Σ reserved and not yet settled over all accounts. */
    long reservedInFlight() {
        long sum = 0;
        for (Pool pool : pools.values()) {
            pool.lock.lock();
            try {
                for (HeldLease h : pool.leases) {
                    sum += h.reserved;
                }
            } finally {
                pool.lock.unlock();
            }
        }
        return sum;
    }

    /** Leases this instance holds (not released) over all accounts. */
    int heldLeases() {
        int n = 0;
        for (Pool pool : pools.values()) {
            pool.lock.lock();
            try {
                n += pool.leases.size();
            } finally {
                pool.lock.unlock();
            }
        }
        return n;
    }

    // ---- internals ----

    /**
     * The injected clock's time to the millisecond: lease expiries and windows need no finer, and
     * {@link Clock#millis()} is a cheap intrinsic for the system clock where {@link Clock#instant()} is a native call
     * (reserve and settle run for every request).
     */
    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /** Limits with a positive need; several of the same meter and period collapse to the strictest. */
    static List<Limit> applicable(List<Limit> limits, Amounts worstCase) {
        // A principal has a handful of limits: a linear scan beats hashing (this runs on every request).
        List<Limit> out = new ArrayList<>(limits.size());
        for (Limit l : limits) {
            if (worstCase.get(l.meter()) <= 0) {
                continue;
            }
            int same = -1;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).sameSlot(l)) {
                    same = i;
                    break;
                }
            }
            if (same < 0) {
                out.add(l);
            } else if (l.max() < out.get(same).max()) {
                out.set(same, l);
            }
        }
        return out;
    }

    /** The lock of all of a tenant's pools. */
    private ReentrantLock tenantLock(String tenantId) {
        ReentrantLock lock = tenantLocks.get(tenantId);
        return lock != null ? lock : tenantLocks.computeIfAbsent(tenantId, t -> new ReentrantLock());
    }

    /** Draws from the account of {@code limit}; the caller holds the tenant's lock. */
    private Draw draw(String tenantId, Limit limit, long need, Instant now) throws LimitExceededException {
        AccountKey key = new AccountKey(tenantId, limit.meter(), limit.period(), limit.period().windowStart(now));
        while (true) {
            Pool pool = pools.get(key);
            if (pool == null) {
                pool = pools.computeIfAbsent(key, Pool::new);
            }
            if (!pool.retired) { // retired (under this same lock) after we looked it up: take the new one
                return pool.draw(limit, need, now);
            }
        }
    }

    /**
     * Gives back a draw's rest after {@code used} of it was spent; the caller holds the tenant's lock. Returns
     * {@code release} with the lease's id added when the lease is to be returned to the store, which the caller does
     * once it has let go of the lock (a store call must not hold up the tenant's other requests).
     */
    private List<String> finish(Draw d, long used, Instant now, List<String> release) {
        Pool pool = d.pool();
        HeldLease h = d.lease();
        h.reserved -= d.amount();
        h.used += used;
        h.inFlight--;
        h.lastActivity = now;
        if (h.inFlight == 0 && !h.released
                && (h.available() <= 0 || !usable(h, now) || closed || pool.windowEnded(now))) {
            pool.leases.remove(h);
            pool.forget(h);
            release = release == null ? new ArrayList<>(2) : release;
            release.add(h.id);
        }
        if (pool.leases.isEmpty() && (closed || pool.windowEnded(now))) {
            pool.retire();
        }
        return release;
    }

    private void releaseAllQuietly(List<String> leaseIds) {
        if (leaseIds != null) {
            leaseIds.forEach(this::releaseQuietly);
        }
    }

    /** Drawable: not released and at least {@code leaseTtl / 3} from expiry. */
    private boolean usable(HeldLease h, Instant now) {
        return !h.released && !h.expiresAt.isBefore(now.plus(freshness));
    }

    private void releaseQuietly(String leaseId) {
        try {
            store.release(leaseId);
        } catch (RuntimeException e) {
            LOG.warn("releasing lease {} failed; it will expire instead", leaseId, e);
        }
    }

    private void heartbeatLoop() {
        long periodNanos = freshness.toNanos();
        try {
            while (!stopped.await(periodNanos, TimeUnit.NANOSECONDS)) {
                try {
                    heartbeat();
                } catch (RuntimeException e) {
                    LOG.warn("lease heartbeat failed", e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One account's part of one reservation. {@code leaseId} repeats {@code lease.id} on purpose: the held lease's
     * counters are written by every request on the account, from every core, so reading its id while building the
     * usage row would often wait for that cache line to come over from another core; the draw is the request's own.
     */
    record Draw(Pool pool, HeldLease lease, String leaseId, Meter meter, long amount) {
    }

    /** A lease this instance holds. Guarded by its pool's lock. */
    static final class HeldLease {
        final String id;
        final long amount;
        Instant expiresAt;
        long reserved;
        long used;
        int inFlight;
        Instant lastActivity;
        boolean released;

        HeldLease(String id, long amount, Instant expiresAt, Instant now) {
            this.id = id;
            this.amount = amount;
            this.expiresAt = expiresAt;
            this.lastActivity = now;
        }

        /** May be negative when actual use exceeded a reservation. */
        long available() {
            return amount - reserved - used;
        }
    }

    /** One account's leases on this instance. */
    final class Pool {
        final AccountKey key;
        /** When this account's window ends (fixed per account: the key holds the window's start). */
        final Instant windowEnd;
        /** The tenant's lock: guards this pool and the tenant's other pools. */
        final ReentrantLock lock;
        final List<HeldLease> leases = new ArrayList<>(2);
        HeldLease current;
        Instant exhaustedUntil = Instant.MIN;
        boolean retired;

        Pool(AccountKey key) {
            this.key = key;
            this.lock = tenantLock(key.tenantId());
            this.windowEnd = key.period().windowEnd(key.windowStart());
        }

        Draw draw(Limit limit, long need, Instant now) throws LimitExceededException {
            if (need > limit.max()) {
                throw new LimitExceededException(limit, need, Math.min(limit.max(), available(now)),
                        limit.period().windowEnd(now));
            }
            HeldLease h = pick(need, now);
            if (h != null) {
                return take(h, need, now);
            }
            Instant resetsAt = limit.period().windowEnd(now);
            if (now.isBefore(exhaustedUntil)) {
                throw new LimitExceededException(limit, need, available(now), resetsAt);
            }
            releaseIdle(now, true, null);
            long want = settings.sliceFor(need, limit.max());
            HeldLease fresh = lease(limit, want, now);
            if (fresh != null && fresh.available() >= need) {
                current = fresh;
                return take(fresh, need, now);
            }
            // Too little: the store takes back only whole leases, so return the idle ones and ask once more.
            if (releaseIdle(now, false, fresh)) {
                fresh = lease(limit, want, now);
                if (fresh != null && fresh.available() >= need) {
                    current = fresh;
                    return take(fresh, need, now);
                }
            }
            exhaustedUntil = now.plus(exhaustedBackoff);
            if (fresh != null && (current == null || fresh.available() > current.available())) {
                current = fresh;
            }
            throw new LimitExceededException(limit, need, available(now), resetsAt);
        }

        /** The current lease if it covers the need, else the held lease that covers it most tightly. */
        private HeldLease pick(long need, Instant now) {
            if (current != null && usable(current, now) && current.available() >= need) {
                return current;
            }
            HeldLease best = null;
            for (HeldLease l : leases) {
                if (l != current && usable(l, now) && l.available() >= need
                        && (best == null || l.available() < best.available())) {
                    best = l;
                }
            }
            return best;
        }

        private Draw take(HeldLease h, long need, Instant now) {
            h.reserved += need;
            h.inFlight++;
            h.lastActivity = now;
            return new Draw(this, h, h.id, key.meter(), need);
        }

        private HeldLease lease(Limit limit, long want, Instant now) {
            Lease l = store.lease(key, limit.max(), want, instanceId, now.plus(ttl));
            if (l.amount() <= 0) {
                return null;
            }
            HeldLease h = new HeldLease(l.leaseId(), l.amount(), l.expiresAt(), now);
            leases.add(h);
            return h;
        }

        /**
         * Releases (under this lock) leases with nothing in flight: only those no longer drawable when
         * {@code staleOnly}; else all of them, but only if there is one besides {@code fresh} (returning just the
         * slice we were granted and asking again would give the same). True when something was released.
         */
        private boolean releaseIdle(Instant now, boolean staleOnly, HeldLease fresh) {
            List<HeldLease> idle = new ArrayList<>();
            boolean other = false;
            for (HeldLease h : leases) {
                if (h.inFlight == 0 && (!staleOnly || !usable(h, now) || h.available() <= 0)) {
                    idle.add(h);
                    other |= h != fresh;
                }
            }
            if (!other) {
                return false;
            }
            for (HeldLease h : idle) {
                leases.remove(h);
                forget(h);
                store.release(h.id);
            }
            return true;
        }

        long available(Instant now) {
            long sum = 0;
            for (HeldLease h : leases) {
                if (usable(h, now)) {
                    sum += Math.max(0, h.available());
                }
            }
            return sum;
        }

        boolean windowEnded(Instant now) {
            return !windowEnd.isAfter(now);
        }

        /** Marks a lease released (caller removed it from {@link #leases} and will release it in the store). */
        void forget(HeldLease h) {
            h.released = true;
            if (current == h) {
                current = null;
            }
        }

        void retire() {
            retired = true;
            pools.remove(key, this);
        }
    }
}
