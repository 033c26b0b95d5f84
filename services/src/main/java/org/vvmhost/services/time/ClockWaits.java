package org.vvmhost.services.time;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.vvmhost.time.Clock;

/**
 * Timeouts measured on an injected {@link Clock}, so that a manual or virtual clock governs them as it governs
 * everything else: a wait never reads real time on its own.
 */
public final class ClockWaits {

    private ClockWaits() {
    }

    /**
     * {@code future}, failed with a {@link TimeoutException} that says {@code what} did not finish once
     * {@code timeout} has passed on {@code clock}. The timer is cancelled as soon as the future completes.
     */
    public static <T> CompletableFuture<T> within(CompletableFuture<T> future, Duration timeout, Clock clock,
            String what) {
        Clock.Scheduled timer = clock.schedule(timeout, () -> future.completeExceptionally(
                new TimeoutException(what + " within " + timeout.toMillis() + " ms")));
        future.whenComplete((value, error) -> timer.cancel());
        return future;
    }
}
