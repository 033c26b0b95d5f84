package org.vvmhost.services.cluster;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.vvmhost.time.Clock;

/**
 * A message on its way: the request, the reply future (null for a send) and the edge whose in-flight count it
 * holds. It is settled exactly once: replied, failed, or dropped with an error.
 *
 * <p>A request's envelope is also its own timeout task: when it fires, the reply fails with a
 * {@link TimeoutException}, but the envelope stays unsettled (the message still counts as in flight on its edge until
 * the container gets to it). Settling cancels the timeout. One object per message, and the timeout's text is only
 * built if it fires.
 */
final class Envelope<R> implements Runnable {

    private static final VarHandle SETTLED;

    static {
        try {
            SETTLED = MethodHandles.lookup().findVarHandle(Envelope.class, "settled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Request<R> request;
    final CompletableFuture<R> reply;
    private final Edge edge;
    private final Duration timeout;
    /** Set before the envelope is handed on (through a queue or the clock), which publishes it. */
    private Clock.Scheduled timer;
    @SuppressWarnings("unused") // through SETTLED
    private volatile boolean settled;

    private Envelope(Request<R> request, CompletableFuture<R> reply, Edge edge, Duration timeout) {
        this.request = request;
        this.reply = reply;
        this.edge = edge;
        this.timeout = timeout;
    }

    /** A send: nobody awaits the reply. */
    static <R> Envelope<R> send(Request<R> request, Edge edge) {
        return new Envelope<>(request, null, edge, null);
    }

    /** A request whose reply fails with a {@link TimeoutException} unless it is settled within {@code timeout} on
     *  {@code clock}. */
    static <R> Envelope<R> request(Request<R> request, Edge edge, Duration timeout, Clock clock) {
        Envelope<R> envelope = new Envelope<>(request, new CompletableFuture<>(), edge, timeout);
        envelope.timer = clock.schedule(timeout, envelope);
        return envelope;
    }

    /** The timeout. */
    @Override
    public void run() {
        reply.completeExceptionally(new TimeoutException("no reply from container '" + edge.container() + "' within "
                + timeout.toMillis() + " ms"));
    }

    /** Returns false if it was already settled (for example, failed by a kill while the function ran). */
    boolean settle(R value, Throwable error) {
        if (!SETTLED.compareAndSet(this, false, true)) {
            return false;
        }
        edge.release();
        if (reply != null) {
            timer.cancel();
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
