package ai.aideon.core.route;

import ai.aideon.core.provider.ProviderException;

import java.util.List;

/**
 * Every candidate failed (or the first failure was not one to fall back from). {@link #last()} is the failure
 * that decides the client's status: a BAD_REQUEST or CONTENT_POLICY surfaces as 400; otherwise 502/503.
 */
public final class AllAttemptsFailedException extends Exception {
    private final ProviderException last;
    private final List<Attempt> attempts;
    private final String routeHeader;

    public AllAttemptsFailedException(ProviderException last, List<Attempt> attempts, String routeHeader) {
        super(last.getMessage(), last, false, false);
        this.last = last;
        this.attempts = List.copyOf(attempts);
        this.routeHeader = routeHeader;
    }

    public ProviderException last() {
        return last;
    }

    public List<Attempt> attempts() {
        return attempts;
    }

    public String routeHeader() {
        return routeHeader;
    }
}
