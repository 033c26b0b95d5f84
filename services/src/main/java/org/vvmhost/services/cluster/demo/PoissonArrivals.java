package org.vvmhost.services.cluster.demo;

import java.time.Duration;
import java.util.SplittableRandom;
import org.vvmhost.services.time.Timers;
import org.vvmhost.time.Clock;

/**
 * Open-loop Poisson arrivals on the absolute timeline: arrival n is due at the start plus the sum of the first n
 * exponential gaps, and it is scheduled for that instant however late the clock ran the one before. A late timer
 * thread therefore delays arrivals but never thins them out; scheduling each gap from when the previous arrival
 * fired would add up every lateness and lower the rate.
 *
 * <p>Confined to the clock's thread: start and stop it from a task of the clock (or, for a virtual clock, from the
 * thread that drives it), and read its counts after a happens-before edge with that thread.
 */
final class PoissonArrivals {

    private final Clock clock;
    private final SplittableRandom random;
    private final double meanGapNanos;
    private final long horizonNanos;
    private final Runnable arrival;
    private final Runnable fire = this::fire;
    private long origin;
    /** When the next arrival is due, from the start. */
    private long dueAt;
    private long missed;
    private boolean running;
    private Clock.Scheduled pending;
    private long maxLatenessNanos;

    /** {@code arrival} runs at each arrival, on the clock's thread, until the horizon or {@link #stop}. */
    PoissonArrivals(Clock clock, long seed, double ratePerSecond, Duration horizon, Runnable arrival) {
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        this.meanGapNanos = 1e9 / ratePerSecond;
        this.horizonNanos = horizon.toNanos();
        this.arrival = arrival;
    }

    void start() {
        origin = clock.nanoTime();
        running = true;
        scheduleNext();
    }

    /** Stops the arrivals; those due by now (and before the horizon) that have not come are counted as missed. */
    void stop() {
        if (!running) {
            return;
        }
        running = false;
        Timers.cancel(pending);
        long bound = Math.min(horizonNanos, clock.nanoTime() - origin);
        while (dueAt <= bound && dueAt < horizonNanos) {
            missed++;
            dueAt += gap();
        }
    }

    /** Arrivals due before the stop that never came, because the clock ran them too late. */
    long missed() {
        return missed;
    }

    /** The most an arrival came after the time it was due. */
    Duration maxLateness() {
        return Duration.ofNanos(maxLatenessNanos);
    }

    private void fire() {
        if (!running) {
            return;
        }
        maxLatenessNanos = Math.max(maxLatenessNanos, clock.nanoTime() - origin - dueAt);
        arrival.run();
        scheduleNext();
    }

    private void scheduleNext() {
        dueAt += gap();
        if (dueAt >= horizonNanos) {
            return;
        }
        pending = clock.schedule(Duration.ofNanos(Math.max(0, origin + dueAt - clock.nanoTime())), fire);
    }

    private long gap() {
        return Math.round(-Math.log(1 - random.nextDouble()) * meanGapNanos);
    }
}
