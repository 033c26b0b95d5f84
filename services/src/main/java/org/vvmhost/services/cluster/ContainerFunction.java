package org.vvmhost.services.cluster;

/**
 * The code a container runs. One instance per worker: a restarted container gets a fresh instance. Every method
 * runs on the container's own thread, one message at a time.
 *
 * <p>{@link #handle} returns the reply to a request (ignored for a send). If it returns a
 * {@link java.util.concurrent.CompletionStage}, the container stays busy until the stage completes and the reply is
 * the stage's value; this is how a function takes time without blocking (for example, completing after a delay on
 * {@link ContainerContext#clock()}), which is also how it works in a virtual cluster. A stage that completes
 * exceptionally fails that request only.
 *
 * <p>A function that <em>throws</em> from {@link #handle} or {@link #start} crashes the container: it becomes
 * FAILED and its restart policy applies.
 */
@FunctionalInterface
public interface ContainerFunction {

    /** Runs once before the first message. */
    default void start(ContainerContext context) throws Exception {
    }

    Object handle(Object message, ContainerContext context) throws Exception;

    /** The stop hook: runs on a graceful stop, after the queued messages are handled; drain or hand over here. */
    default void stop(ContainerContext context) throws Exception {
    }
}
