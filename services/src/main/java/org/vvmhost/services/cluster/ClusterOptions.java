package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.Objects;
import org.vvmhost.time.Clock;

/**
 * How a cluster runs.
 *
 * @param clock           all timing: resyncs, restart backoff, grace periods, request timeouts, added latency
 * @param virtual         true: no threads; everything runs as tasks of {@code clock}, which must be a
 *                        {@link VirtualClock} driven by the caller. False: a named thread per container and per
 *                        controller.
 * @param resyncPeriod    how often each controller reconciles everything, besides reacting to watch events
 * @param restartBackoff  the wait before a container is restarted under its restart policy
 * @param stopGracePeriod how long a graceful stop may take before the container is killed
 * @param seed            seeds the random suffixes of replica names, random balancers and containers' randoms
 */
public record ClusterOptions(Clock clock, boolean virtual, Duration resyncPeriod, Duration restartBackoff,
                             Duration stopGracePeriod, long seed) {

    public ClusterOptions {
        Objects.requireNonNull(clock, "clock");
        requirePositive(resyncPeriod, "resyncPeriod");
        Objects.requireNonNull(restartBackoff, "restartBackoff");
        if (restartBackoff.isNegative()) {
            throw new IllegalArgumentException("restartBackoff must not be negative, not " + restartBackoff);
        }
        requirePositive(stopGracePeriod, "stopGracePeriod");
        if (virtual && !(clock instanceof VirtualClock)) {
            throw new IllegalArgumentException("a virtual cluster needs a VirtualClock, not " + clock);
        }
    }

    /** Threads, on {@code clock}; resync 1 s, restart backoff 200 ms, grace 5 s, seed 0. */
    public static ClusterOptions threaded(Clock clock) {
        return new ClusterOptions(clock, false, Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(5), 0);
    }

    /** No threads, on a virtual clock; same defaults as {@link #threaded}. */
    public static ClusterOptions virtual(VirtualClock clock) {
        return new ClusterOptions(clock, true, Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(5), 0);
    }

    public ClusterOptions withResyncPeriod(Duration period) {
        return new ClusterOptions(clock, virtual, period, restartBackoff, stopGracePeriod, seed);
    }

    public ClusterOptions withRestartBackoff(Duration backoff) {
        return new ClusterOptions(clock, virtual, resyncPeriod, backoff, stopGracePeriod, seed);
    }

    public ClusterOptions withStopGracePeriod(Duration grace) {
        return new ClusterOptions(clock, virtual, resyncPeriod, restartBackoff, grace, seed);
    }

    public ClusterOptions withSeed(long newSeed) {
        return new ClusterOptions(clock, virtual, resyncPeriod, restartBackoff, stopGracePeriod, newSeed);
    }

    private static void requirePositive(Duration value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive, not " + value);
        }
    }
}
