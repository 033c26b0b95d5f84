package org.vvmhost.services.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A message on its way: the payload, the reply future (null for a send) and the edge whose in-flight count it
 *  holds. It is settled exactly once: replied, failed, or dropped with an error. */
final class Envelope {

    final Object payload;
    final CompletableFuture<Object> reply;
    private final Edge edge;
    private final AtomicBoolean settled = new AtomicBoolean();

    Envelope(Object payload, CompletableFuture<Object> reply, Edge edge) {
        this.payload = payload;
        this.reply = reply;
        this.edge = edge;
    }

    /** Returns false if it was already settled (for example, failed by a kill while the function ran). */
    boolean settle(Object value, Throwable error) {
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
}
