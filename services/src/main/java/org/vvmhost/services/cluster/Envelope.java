package org.vvmhost.services.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A message on its way: the request, the reply future (null for a send) and the edge whose in-flight count it
 *  holds. It is settled exactly once: replied, failed, or dropped with an error. */
final class Envelope<R> {

    final Request<R> request;
    final CompletableFuture<R> reply;
    private final Edge edge;
    private final AtomicBoolean settled = new AtomicBoolean();

    Envelope(Request<R> request, CompletableFuture<R> reply, Edge edge) {
        this.request = request;
        this.reply = reply;
        this.edge = edge;
    }

    /** A send: nobody awaits the reply. */
    static <R> Envelope<R> send(Request<R> request, Edge edge) {
        return new Envelope<>(request, null, edge);
    }

    /** Returns false if it was already settled (for example, failed by a kill while the function ran). */
    boolean settle(R value, Throwable error) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        edge.release();
        if (reply != null) {
            if (error != null) {
                reply.completeExceptionally(error);
            } else {
                reply.complete(value);
            }
        }
        return true;
    }

    /** Settles with {@code error}; the value type does not matter for a failure. */
    boolean fail(Throwable error) {
        return settle(null, error);
    }
}
