package ai.aideon.core.tier;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The worst case of one request, held in an {@link Accountant}'s lease pools until the request is settled.
 * For every limit that applied it drew from exactly one lease of that limit's account.
 *
 * <p>Settle it exactly once, after the usage row is durable ({@link Accountant#settle}), or cancel it when no
 * upstream call happened ({@link Accountant#cancel}); later calls are no-ops. A reservation that is never settled
 * holds its part of the budget (and keeps its lease renewed) until its accountant is closed, so callers settle or
 * cancel in a {@code finally}.
 */
public final class Reservation {
    private final Accountant owner;
    private final Principal principal;
    private final Amounts reserved;
    private final List<Accountant.Draw> draws;
    private final AtomicBoolean open = new AtomicBoolean(true);

    Reservation(Accountant owner, Principal principal, Amounts reserved, List<Accountant.Draw> draws) {
        this.owner = owner;
        this.principal = Objects.requireNonNull(principal, "principal");
        this.reserved = Objects.requireNonNull(reserved, "reserved");
        this.draws = List.copyOf(draws);
    }

    public Principal principal() {
        return principal;
    }

    /** The worst case this reservation was made for. */
    public Amounts reserved() {
        return reserved;
    }

    /**
     * What the usage row records against leases: for every account this reservation drew from, the lease and the
     * <em>actual</em> amount of that account's meter, also when it is 0 and also when it is more than was reserved.
     * The ledger must tell the truth; the only way to exceed the reservation is an upstream reporting more usage
     * than the worst case allowed (e.g. ignoring {@code max_tokens}), and that excess is then real overspend, visible
     * as committed usage above the limit, never hidden.
     */
    public List<LeaseSpend> spends(Amounts actual) {
        Objects.requireNonNull(actual, "actual");
        LeaseSpend[] out = new LeaseSpend[draws.size()];
        for (int i = 0; i < out.length; i++) {
            Accountant.Draw d = draws.get(i);
            out[i] = new LeaseSpend(d.leaseId(), actual.get(d.meter()));
        }
        return List.of(out); // immutable, one copy (this runs for every request)
    }

    /** True until settled or cancelled. */
    public boolean isOpen() {
        return open.get();
    }

    /** The accounts this reservation drew from (diagnostics, tests). */
    public List<AccountKey> accounts() {
        return draws.stream().map(d -> d.pool().key).toList();
    }

    Accountant owner() {
        return owner;
    }

    List<Accountant.Draw> draws() {
        return draws;
    }

    /** Marks this reservation finished; true only for the first caller. */
    boolean close() {
        return open.compareAndSet(true, false);
    }

    @Override
    public String toString() {
        return "Reservation[" + principal.tenantId() + ", " + reserved + ", accounts=" + accounts() + "]";
    }
}
