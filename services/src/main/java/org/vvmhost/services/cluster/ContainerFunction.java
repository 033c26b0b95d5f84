package org.vvmhost.services.cluster;

import java.util.concurrent.CompletionStage;

/**
 * The code a container runs. One instance per worker: a restarted container gets a fresh instance. Every method
 * runs on the container's own thread, one message at a time.
 *
 * <p>{@link #handle} answers a request with a stage of its reply (ignored for a send). The container stays busy
 * until the stage completes; an already completed stage answers at once. This is how a function takes time
 * without blocking (for example, completing after a delay on {@link ContainerContext#clock()}), which is also how
 * it works in a virtual cluster. A stage that completes exceptionally fails that request only.
 *
 * <p>A function that <em>throws</em> from {@link #handle} or {@link #start} crashes the container: it becomes
 * FAILED and its restart policy applies.
 */
public interface ContainerFunction {

    /** Runs once before the first message. */
    default void start(ContainerContext context) throws Exception {
    }

    /** Answers {@code request}; dispatch on the request's protocol, typed by its reply. */
    <R> CompletionStage<R> handle(Request<R> request, ContainerContext context) throws Exception;

    /** The stop hook: runs on a graceful stop, after the queued messages are handled; drain or hand over here. */
    default void stop(ContainerContext context) throws Exception {
    }
}
