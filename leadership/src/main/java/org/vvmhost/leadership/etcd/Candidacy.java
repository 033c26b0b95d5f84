package org.vvmhost.leadership.etcd;

import io.etcd.jetcd.Lease;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.time.Clock;

/**
 * One candidate key with its lease, kept alive and guarded. A won candidacy becomes a term; a lost one is
 * abandoned and the campaign enters a new one.
 */
final class Candidacy {

    private static final Logger LOG = LoggerFactory.getLogger(Candidacy.class);

    private final Lease leases;
    private final long leaseId;
    private final String key;
    private final long createRevision;
    private final LeaseGuard guard;
    private final LeaseKeeper keeper;
    private final Clock clock;

    Candidacy(Lease leases, long leaseId, String key, long createRevision, LeaseGuard guard, LeaseKeeper keeper,
            Clock clock) {
        this.leases = leases;
        this.clock = clock;
        this.leaseId = leaseId;
        this.key = key;
        this.createRevision = createRevision;
        this.guard = guard;
        this.keeper = keeper;
    }

    long leaseId() {
        return leaseId;
    }

    String key() {
        return key;
    }

    long createRevision() {
        return createRevision;
    }

    LeaseGuard guard() {
        return guard;
    }

    void stopKeepalive() {
        keeper.stop();
    }

    /** Stops the keepalive and disarms the guard, for a candidacy given up while it still stood. */
    void retire() {
        keeper.stop();
        guard.release();
    }

    /**
     * Stops the keepalive and revokes the lease, which deletes the key. Completes when etcd confirmed, or after
     * {@code bound}; a failure is only logged, because the lease then expires on its own within its TTL.
     */
    CompletableFuture<Void> abandon(Duration bound) {
        retire();
        return revoke(leases, leaseId, bound, clock);
    }

    /** Revokes a lease, bounded on {@code clock}; a failure is only logged. */
    static CompletableFuture<Void> revoke(Lease leases, long leaseId, Duration bound, Clock clock) {
        return clock.orTimeout(leases.revoke(leaseId), bound)
                .handle((reply, failure) -> {
                    if (failure != null && !EtcdErrors.isLeaseGone(failure)) {
                        LOG.info("could not revoke lease {}; it expires within its TTL: {}",
                                Long.toHexString(leaseId), EtcdErrors.translate("revoke", failure).getMessage());
                    }
                    return null;
                });
    }
}
