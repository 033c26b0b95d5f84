package org.vvmhost.vvm;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A VVM (virtual virtual machine): it campaigns for leadership and, while it leads, runs the service pipeline.
 *
 * <p>States: {@code PROVIDED → LAUNCHED → SHUTTING_DOWN → SHUT_DOWN}. {@link #launch()} is legal once, in
 * PROVIDED. {@link #shutdown()} is legal after launch, any number of times, from any threads.
 *
 * <p>Shutdown is ordered: services stop, then the leadership monitor stops, then leadership is released (awaited),
 * then {@link #shutdowned()} completes. After {@code shutdown()} returns, no thread the VVM started is alive,
 * except an armed killer.
 */
public interface Vvm {

    enum State { PROVIDED, LAUNCHED, SHUTTING_DOWN, SHUT_DOWN }

    State state();

    /**
     * Starts the launcher thread and returns at once. The returned future is the problem token: it completes
     * once, normally, with the VVM's first problem, and never completes if there is none.
     *
     * @throws IllegalStateException if already launched or shut down
     */
    CompletableFuture<VvmProblem> launch();

    /**
     * Shuts down in order and waits until done. Idempotent and thread-safe. Returns the problem, if any,
     * without waiting for one. A shutdown during acquisition returns promptly.
     *
     * @throws IllegalStateException if called before {@link #launch()}
     */
    Optional<VvmProblem> shutdown();

    /** Completes once the VVM has shut down. */
    CompletableFuture<Void> shutdowned();
}
