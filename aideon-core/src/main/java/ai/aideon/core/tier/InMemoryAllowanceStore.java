package ai.aideon.core.tier;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A single-process {@link AllowanceStore}: for embedded use without a database, and for tests. It keeps the
 * store's invariant for every account, {@code committed + Σ max(0, amount − used) over live leases ≤ max}, under
 * one lock; a lease is live while {@code now < expiresAt} by the injected {@link Clock} and it has not been
 * released.
 *
 * <p>Nothing commits usage here by itself: whoever plays the ledger calls {@link #commit(Collection)} (or
 * {@link #commit(AccountKey, long, String)}) with each row's {@link UsageRow#spends()}, in the same step as making
 * the row durable, before the request is settled: that is what {@link UsageLedger} implementations do in their
 * transaction.
 *
 * <p>Nothing is persisted: a restart forgets all usage. Ended leases are remembered (so late commits can still be
 * attributed to their account) until their account's window has been over for a day.
 */
public final class InMemoryAllowanceStore implements AllowanceStore {

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<AccountKey, Account> accounts = new HashMap<>();
    private final Map<String, LeaseState> leases = new HashMap<>();
    private long sequence;
    private long calls;

    public InMemoryAllowanceStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Lease lease(AccountKey key, long max, long want, String instanceId, Instant expiresAt) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (max < 0 || want < 0) {
            throw new IllegalArgumentException("max and want must be >= 0");
        }
        lock.lock();
        try {
            Instant now = clock.instant();
            maybePrune(now);
            Account account = accounts.computeIfAbsent(key, Account::new);
            expire(account, now);
            long free = Math.max(0, max - outstanding(account));
            long grant = Math.min(want, free);
            String id = "lease-" + (++sequence);
            if (grant > 0 && expiresAt.isAfter(now)) {
                LeaseState state = new LeaseState(id, key, grant, expiresAt, instanceId);
                leases.put(id, state);
                account.live.add(state);
                return new Lease(id, key, grant, expiresAt);
            }
            return new Lease(id, key, 0, expiresAt);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void renew(Collection<String> leaseIds, Instant expiresAt) {
        lock.lock();
        try {
            Instant now = clock.instant();
            for (String id : leaseIds) {
                LeaseState l = leases.get(id);
                if (l == null || l.ended) {
                    continue;
                }
                if (!l.expiresAt.isAfter(now)) {
                    end(l); // already expired: its unspent part may have been lent again, it cannot come back
                } else if (expiresAt.isAfter(l.expiresAt)) {
                    l.expiresAt = expiresAt;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(String leaseId) {
        lock.lock();
        try {
            LeaseState l = leases.get(leaseId);
            if (l != null && !l.ended) {
                end(l);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long committed(AccountKey key) {
        lock.lock();
        try {
            Account a = accounts.get(key);
            return a == null ? 0 : a.committed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the ledger's commit does for one spend: adds {@code amount} to the account's committed usage and to the
     * lease's {@code used}. {@code leaseId} may be null (usage with no lease, e.g. an unlimited meter).
     *
     * @throws IllegalArgumentException when the lease belongs to another account
     */
    public void commit(AccountKey key, long amount, String leaseId) {
        Objects.requireNonNull(key, "key");
        if (amount < 0) {
            throw new IllegalArgumentException("amount must be >= 0: " + amount);
        }
        lock.lock();
        try {
            LeaseState l = leaseId == null ? null : leases.get(leaseId);
            if (l != null && !l.key.equals(key)) {
                throw new IllegalArgumentException("lease " + leaseId + " is of " + l.key.id() + ", not " + key.id());
            }
            accounts.computeIfAbsent(key, Account::new).committed += amount;
            if (l != null) {
                l.used += amount;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Commits one ledger row's spends at once, each to the account its lease was taken from.
     *
     * @throws IllegalArgumentException when a lease id is unknown (nothing of the row is committed then)
     */
    public void commit(Collection<LeaseSpend> spends) {
        lock.lock();
        try {
            for (LeaseSpend s : spends) {
                if (!leases.containsKey(s.leaseId())) {
                    throw new IllegalArgumentException("unknown lease " + s.leaseId());
                }
                if (s.amount() < 0) {
                    throw new IllegalArgumentException("negative spend " + s);
                }
            }
            for (LeaseSpend s : spends) {
                LeaseState l = leases.get(s.leaseId());
                commit(l.key, s.amount(), l.id);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Σ unspent ({@code amount − used}, not below 0) over the account's live leases: what is lent out right now. */
    public long leased(AccountKey key) {
        lock.lock();
        try {
            Account a = accounts.get(key);
            if (a == null) {
                return 0;
            }
            expire(a, clock.instant());
            return unspent(a);
        } finally {
            lock.unlock();
        }
    }

    /** Live (unexpired, unreleased) leases of an account. */
    public List<Lease> liveLeases(AccountKey key) {
        lock.lock();
        try {
            Account a = accounts.get(key);
            if (a == null) {
                return List.of();
            }
            expire(a, clock.instant());
            return a.live.stream().map(l -> new Lease(l.id, l.key, l.amount, l.expiresAt)).toList();
        } finally {
            lock.unlock();
        }
    }

    private static long outstanding(Account a) {
        return a.committed + unspent(a);
    }

    private static long unspent(Account a) {
        long sum = 0;
        for (LeaseState l : a.live) {
            sum += Math.max(0, l.amount - l.used);
        }
        return sum;
    }

    private static void expire(Account a, Instant now) {
        for (Iterator<LeaseState> it = a.live.iterator(); it.hasNext(); ) {
            LeaseState l = it.next();
            if (!l.expiresAt.isAfter(now)) {
                l.ended = true;
                it.remove();
            }
        }
    }

    private void end(LeaseState l) {
        l.ended = true;
        Account a = accounts.get(l.key);
        if (a != null) {
            a.live.remove(l);
        }
    }

    /** Every 1024 lease calls, forgets accounts (and their leases) whose window ended more than a day ago. */
    private void maybePrune(Instant now) {
        if (++calls % 1024 != 0) {
            return;
        }
        Instant cutoff = now.minusSeconds(86_400);
        accounts.keySet().removeIf(k -> k.period().windowEnd(k.windowStart()).isBefore(cutoff));
        leases.values().removeIf(l -> !accounts.containsKey(l.key));
    }

    private static final class Account {
        final AccountKey key;
        long committed;
        final Set<LeaseState> live = new LinkedHashSet<>();

        Account(AccountKey key) {
            this.key = key;
        }
    }

    private static final class LeaseState {
        final String id;
        final AccountKey key;
        final long amount;
        final String instanceId;
        Instant expiresAt;
        long used;
        boolean ended;

        LeaseState(String id, AccountKey key, long amount, Instant expiresAt, String instanceId) {
            this.id = id;
            this.key = key;
            this.amount = amount;
            this.expiresAt = expiresAt;
            this.instanceId = instanceId;
        }
    }
}
