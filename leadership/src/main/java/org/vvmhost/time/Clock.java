package org.vvmhost.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The one source of time. Deadlines and delays use {@link #nanoTime()}, which is monotonic; {@link #instant()}
 * is wall time, for display only. Tests pass a manual clock and advance it instead of sleeping.
 */
public interface Clock {

    /** Monotonic nanoseconds, comparable only with other readings of this clock. */
    long nanoTime();

    /** Wall-clock time, for log lines and records that people read. */
    Instant instant();

    /**
     * Runs {@code task} once, {@code delay} after now on the monotonic scale. Tasks must be short: they run on
     * a thread the clock owns (or, for a manual clock, on the thread that advances it).
     */
    Scheduled schedule(Duration delay, Runnable task);

    /** A task handed to {@link #schedule}. */
    interface Scheduled {
        /** Cancels the task if it has not run yet. Idempotent. Returns true if this call prevented the run. */
        boolean cancel();
    }
}
