package org.vvmhost.leadership;

import java.time.Duration;

/**
 * Told how the keepalives of a leadership's leases go, for metrics. Called on the leadership's threads, never under
 * a lock; implementations must be quick and must not throw. The in-memory election sends no keepalives.
 */
public interface LeaseObserver {

    /** A keepalive was answered with the lease alive, {@code roundTrip} after its request was sent. */
    void renewed(Duration roundTrip);

    /** A keepalive failed, went unanswered within its bound, or found the lease gone. */
    void renewalFailed();

    /** Observes nothing. */
    LeaseObserver NONE = new LeaseObserver() {
        @Override
        public void renewed(Duration roundTrip) {
        }

        @Override
        public void renewalFailed() {
        }
    };
}
