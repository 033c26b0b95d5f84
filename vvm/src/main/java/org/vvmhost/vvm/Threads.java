package org.vvmhost.vvm;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;

/** Waiting helpers for the VVM's own threads. */
final class Threads {

    private Threads() {
    }

    /** Joins {@code thread} even if interrupted meanwhile; the interrupt flag is restored afterwards. */
    static void joinUninterruptibly(Thread thread) {
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for {@code future} to complete in any way; never throws. */
    static void awaitUninterruptibly(CompletableFuture<?> future) {
        future.handle((value, failure) -> null).join();
    }

    /**
     * Waits for {@code future}, at most {@code bound} on {@code clock}.
     *
     * @throws CompletionException with the future's failure, or with a {@link TimeoutException} naming
     *                             {@code what} when the bound passed
     */
    static <T> T awaitBounded(CompletableFuture<T> future, Duration bound, Clock clock, String what) {
        CompletableFuture<T> guard = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            if (failure != null) {
                guard.completeExceptionally(failure);
            } else {
                guard.complete(value);
            }
        });
        Clock.Scheduled timer = clock.schedule(bound, () -> guard.completeExceptionally(
                new TimeoutException(what + " did not finish within " + Durations.text(bound))));
        try {
            return guard.join();
        } finally {
            timer.cancel();
        }
    }
}
