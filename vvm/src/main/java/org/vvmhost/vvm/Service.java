package org.vvmhost.vvm;

/**
 * What the leader runs. The {@link ServicePipeline} starts services in order and stops them in reverse.
 *
 * <p>{@link #start} is called once; {@link #stop} is called once, and only if {@code start} returned normally.
 * A service that fails while running calls {@link ServiceContext#reportFailure}.
 */
public interface Service {

    /** A short name for log lines and problems. */
    String name();

    /** Starts the service and returns once it is up. Throwing means it did not start and holds nothing. */
    void start(ServiceContext context) throws Exception;

    /** Stops the service and returns once it has stopped. */
    void stop() throws Exception;
}
