package org.vvmhost.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.stream.DoubleStream;
import org.vvmhost.leadership.LeaseObserver;

/**
 * How the keepalives of this replica's leases go: {@code vvmhost_lease_keepalive_duration_seconds}, the round trip of
 * each renewal (buckets from 0.25 ms to 2.5 s; a keepalive is given up after a sixth of the renew deadline), and
 * {@code vvmhost_lease_keepalive_failures_total}. Registered for every run; the embedded default sends no keepalives.
 */
final class LeaseMeters implements LeaseObserver {

    private static final Duration[] BUCKETS = DoubleStream.of(0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 25, 50, 100, 250,
            500, 1000, 2500).mapToObj(millis -> Duration.ofNanos((long) (millis * 1_000_000))).toArray(Duration[]::new);

    private final Timer roundTrips;
    private final Counter failures;

    LeaseMeters(MeterRegistry registry) {
        this.roundTrips = Timer.builder("vvmhost.lease.keepalive.duration")
                .description("Round trip of each lease keepalive that renewed the lease")
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        this.failures = Counter.builder("vvmhost.lease.keepalive.failures")
                .description("Lease keepalives that failed, went unanswered within their bound, or found the lease "
                        + "gone")
                .register(registry);
    }

    @Override
    public void renewed(Duration roundTrip) {
        roundTrips.record(roundTrip);
    }

    @Override
    public void renewalFailed() {
        failures.increment();
    }
}
