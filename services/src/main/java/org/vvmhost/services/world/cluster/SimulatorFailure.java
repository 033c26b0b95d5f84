package org.vvmhost.services.world.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.vvmhost.services.cluster.ClusterException;

/** A simulator container did not answer: it stopped, crashed, vanished, or did not reply in time. */
final class SimulatorFailure extends RuntimeException {

    SimulatorFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the container is gone or going (as opposed to a request it refused, which is a bug). */
    boolean containerGone() {
        return getCause() instanceof ClusterException || getCause() instanceof TimeoutException;
    }

    /** The reply of {@code request} to {@code container}; the request's own timeout, on the cluster's clock, ends
     *  the wait. */
    static <R> R await(String container, CompletableFuture<R> reply) {
        try {
            return reply.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for simulator " + container, e);
        } catch (ExecutionException e) {
            throw new SimulatorFailure("simulator " + container + " failed: " + e.getCause(), e.getCause());
        }
    }
}
