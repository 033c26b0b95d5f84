package org.vvmhost.leadership.etcd;

import io.etcd.jetcd.Lease;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.vvmhost.time.Clock;

/**
 * Keeps one lease alive by itself: a single keepalive every {@code period}, on the injected clock, each bounded
 * by the period. jetcd's own keepalive loop renews at TTL/3 on wall-clock timers, too close to a 2/3-TTL renew
 * deadline for short leases; three tries per deadline leave room for one lost or slow reply.
 */
final class LeaseKeeper {

    private final Lease leases;
    private final long leaseId;
    private final Clock clock;
    private final Duration period;
    private final LeaseGuard guard;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile Clock.Scheduled next;

    LeaseKeeper(Lease leases, long leaseId, Clock clock, Duration period, LeaseGuard guard) {
        this.leases = leases;
        this.leaseId = leaseId;
        this.clock = clock;
        this.period = period;
        this.guard = guard;
    }

    void start() {
        next = clock.schedule(period, this::renew);
    }

    /** Stops renewing. Idempotent. The lease then expires at its TTL unless it is revoked. */
    void stop() {
        if (stopped.compareAndSet(false, true)) {
            Clock.Scheduled scheduled = next;
            if (scheduled != null) {
                scheduled.cancel();
            }
        }
    }

    private void renew() {
        if (stopped.get()) {
            return;
        }
        next = clock.schedule(period, this::renew);
        long sentNanos = clock.nanoTime();
        leases.keepAliveOnce(leaseId)
                .orTimeout(period.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((reply, failure) -> {
                    if (stopped.get()) {
                        return;
                    }
                    if (failure == null && reply.getTTL() > 0) {
                        guard.renewed(sentNanos);
                    } else if (failure == null || EtcdErrors.isLeaseGone(failure)) {
                        guard.on(LeaseGuard.Event.LEASE_GONE, "keepalive: lease not found");
                    } else {
                        guard.on(LeaseGuard.Event.RENEWAL_FAILED, EtcdErrors.translate("keepalive", failure)
                                .getMessage());
                    }
                });
    }
}
