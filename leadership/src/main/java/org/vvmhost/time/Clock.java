package org.vvmhost.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

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

    /**
     * Like {@link CompletableFuture#orTimeout}, on this clock: completes {@code future} with a
     * {@link TimeoutException} unless it completes within {@code limit}. Returns {@code future}.
     */
    default <T> CompletableFuture<T> orTimeout(CompletableFuture<T> future, Duration limit) {
        return orTimeout(future, limit, "no answer");
    }

    /** As {@link #orTimeout(CompletableFuture, Duration)}, the exception saying "{@code what} within {@code limit}". */
    default <T> CompletableFuture<T> orTimeout(CompletableFuture<T> future, Duration limit, String what) {
        Scheduled timer = schedule(limit, () -> future.completeExceptionally(
                new TimeoutException(what + " within " + Durations.text(limit))));
        future.whenComplete((value, failure) -> timer.cancel());
        return future;
    }

    /** A task handed to {@link #schedule}. */
    interface Scheduled {
        /** Cancels the task if it has not run yet. Idempotent. Returns true if this call prevented the run. */
        boolean cancel();
    }
}
