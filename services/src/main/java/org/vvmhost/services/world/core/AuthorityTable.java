package org.vvmhost.services.world.core;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may write which (component set, area): the authority issuer's ledger. A simulator checks its grant here
 * before every write; a grant that is not the current one is rejected, counted and logged.
 *
 * <p>Thread-safe.
 */
public final class AuthorityTable implements Simulator.Admission {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorityTable.class);

    private record Key(String set, int area) {
    }

    private final ConcurrentHashMap<Key, AuthorityGrant> current = new ConcurrentHashMap<>();
    private final AtomicLong epochs = new AtomicLong();
    private final LongAdder rejected = new LongAdder();

    /** Grants {@code simulator} authority over ({@code set}, {@code area}), superseding any earlier grant. */
    public AuthorityGrant issue(String set, int area, String simulator) {
        AuthorityGrant grant = new AuthorityGrant(set, area, simulator, epochs.incrementAndGet());
        current.put(new Key(set, area), grant);
        return grant;
    }

    /** Withdraws authority over ({@code set}, {@code area}) from whoever holds it. */
    public void revoke(String set, int area) {
        current.remove(new Key(set, area));
    }

    public Optional<AuthorityGrant> holder(String set, int area) {
        return Optional.ofNullable(current.get(new Key(set, area)));
    }

    /** True if {@code grant} is the current one; otherwise the write is rejected and counted. */
    @Override
    public boolean admit(AuthorityGrant grant) {
        if (grant.equals(current.get(new Key(grant.set(), grant.area())))) {
            return true;
        }
        rejected.increment();
        LOG.warn("Rejected a write by {} to {} area {}: its grant {} is not the current one ({})",
                grant.simulator(), grant.set(), grant.area(), grant,
                holder(grant.set(), grant.area()).map(AuthorityGrant::toString).orElse("none"));
        return false;
    }

    /** Writes rejected so far for want of authority. */
    public long rejectedWrites() {
        return rejected.sum();
    }
}
