package org.vvmhost.leadership;

import java.util.concurrent.CompletableFuture;

/** A running campaign of one {@link Leadership}. */
public interface Campaign {

    /**
     * Completes with the term once this candidate leads and the claim was verified. Completes exceptionally with
     * a {@link LeadershipException} if the campaign fails, or with a cancellation after {@link #cancel()}.
     */
    CompletableFuture<Term> elected();

    /**
     * Stops campaigning and withdraws the candidacy. If the campaign was won meanwhile, the term is released.
     * The returned future completes when the withdrawal is done. Idempotent and thread-safe.
     */
    CompletableFuture<Void> cancel();
}
