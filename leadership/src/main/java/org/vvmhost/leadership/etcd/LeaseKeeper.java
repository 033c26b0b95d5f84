package org.vvmhost.leadership.etcd;

import io.etcd.jetcd.Lease;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.vvmhost.leadership.LeaseObserver;
import org.vvmhost.time.Clock;

/**
 * Keeps one lease alive by itself, on the injected clock: a keepalive every {@code period} (a sixth of the renew
 * deadline), each bounded by the period; after a failed one, another at once with a short backoff (50, 100, 200 ms, then 200 ms), until one succeeds
 * or the guard gives up at the renew deadline. The jetcd client balances calls round robin over the endpoints and skips
 * a member it cannot reach, so a retry after etcd's leader died goes to a member that forwards it to the new leader as
 * soon as one is elected; etcd itself keeps leases alive across its leader elections. jetcd's own keepalive loop renews
 * at TTL/3 on wall-clock timers and retries only at its next round, too late for a 2/3-TTL renew deadline.
 */
final class LeaseKeeper {

    /**
     * Keepalives per renew deadline. No keepalive succeeds while etcd elects a new leader, which takes up to two
     * election timeouts (2 s by default); the last renewal may have been sent a period before etcd's leader died, so
     * the election must fit in the other 5/6 of the deadline: 2.2 s at a 4 s TTL.
     */
    static final int RENEWALS_PER_DEADLINE = 6;

    static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(50);
    static final Duration MAX_RETRY_DELAY = Duration.ofMillis(200);

    private final Lease leases;
    private final long leaseId;
    private final Clock clock;
    private final Duration period;
    private final LeaseGuard guard;
    private final EtcdIdentity identity;
    private final LeaseObserver observer;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile Clock.Scheduled next;
    /** Failures in a row; only the one attempt in flight touches it. */
    private volatile int failures;

    LeaseKeeper(Lease leases, long leaseId, Clock clock, Duration period, LeaseGuard guard, EtcdIdentity identity,
                LeaseObserver observer) {
        this.leases = leases;
        this.leaseId = leaseId;
        this.clock = clock;
        this.period = period;
        this.guard = guard;
        this.identity = identity;
        this.observer = observer;
    }

    void start() {
        schedule(period);
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

    /** The wait before retry number {@code failed} (1 for the first), doubling from 50 ms up to 200 ms. */
    static Duration retryDelay(int failed) {
        Duration delay = FIRST_RETRY_DELAY.multipliedBy(1L << Math.min(Math.max(failed - 1, 0), 4));
        return delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay;
    }

    private void schedule(Duration delay) {
        if (!stopped.get()) {
            next = clock.schedule(delay, this::renew);
        }
    }

    private void renew() {
        if (stopped.get()) {
            return;
        }
        long sentNanos = clock.nanoTime();
        EtcdIdentity.Known sent = identity.mark();
        clock.orTimeout(leases.keepAliveOnce(leaseId), period).whenComplete((reply, failure) -> {
            if (stopped.get()) {
                return;
            }
            if (failure == null) {
                // Judged first: a reply from a wiped or restored etcd must not count as a renewal.
                identity.observe(sent, reply.getHeader(), false);
            }
            if (failure == null && reply.getTTL() > 0) {
                failures = 0;
                observer.renewed(Duration.ofNanos(clock.nanoTime() - sentNanos));
                guard.renewed(sentNanos);
                if (!guard.ended()) {
                    schedule(Duration.ofNanos(Math.max(0, sentNanos + period.toNanos() - clock.nanoTime())));
                }
            } else if (failure == null || EtcdErrors.isLeaseGone(failure)) {
                observer.renewalFailed();
                guard.on(LeaseGuard.Event.LEASE_GONE, "keepalive: lease not found");
            } else {
                observer.renewalFailed();
                guard.on(LeaseGuard.Event.RENEWAL_FAILED, EtcdErrors.translate("keepalive", failure).getMessage());
                if (!guard.ended()) {
                    failures++;
                    schedule(retryDelay(failures));
                }
            }
        });
    }
}
