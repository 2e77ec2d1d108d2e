package ai.aideon.core.tier;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts and records what an accountant asks of the store. */
final class CountingStore implements AllowanceStore {
    final AllowanceStore delegate;
    final AtomicInteger leaseCalls = new AtomicInteger();
    final AtomicInteger renewCalls = new AtomicInteger();
    final AtomicInteger releaseCalls = new AtomicInteger();
    final List<Long> grants = new CopyOnWriteArrayList<>();
    final List<String> renewedIds = new CopyOnWriteArrayList<>();
    final List<String> releasedIds = new CopyOnWriteArrayList<>();

    CountingStore(AllowanceStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Lease lease(AccountKey key, long max, long want, String instanceId, Instant expiresAt) {
        leaseCalls.incrementAndGet();
        Lease l = delegate.lease(key, max, want, instanceId, expiresAt);
        grants.add(l.amount());
        return l;
    }

    @Override
    public void renew(Collection<String> leaseIds, Instant expiresAt) {
        renewCalls.incrementAndGet();
        renewedIds.addAll(leaseIds);
        delegate.renew(leaseIds, expiresAt);
    }

    @Override
    public void release(String leaseId) {
        releaseCalls.incrementAndGet();
        releasedIds.add(leaseId);
        delegate.release(leaseId);
    }

    @Override
    public long committed(AccountKey key) {
        return delegate.committed(key);
    }
}
