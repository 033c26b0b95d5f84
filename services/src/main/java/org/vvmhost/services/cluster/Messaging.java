package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sending to containers, directly or through a service's load balancer. Nothing is dropped silently:
 *
 * <ul>
 *   <li>{@code send*} throw {@link UnknownTargetException}, {@link ContainerUnavailableException},
 *       {@link MailboxFullException} or {@link NoRoutableEndpointException};</li>
 *   <li>{@code request*} never throw: the future fails with one of those, with {@link ContainerFailedException}
 *       if the function threw or the container was killed, or with {@link java.util.concurrent.TimeoutException}
 *       when no reply came within the timeout (measured on the cluster's clock).</li>
 * </ul>
 *
 * A message that waits on added edge latency (a network spike) is delivered later; if delivery then fails, a
 * request's future fails, and a send is logged and counted in {@link Cluster#undeliveredSends()}.
 */
public interface Messaging {

    /** Fire-and-forget to one container; its reply, if any, is dropped. */
    void send(String container, Request<?> message);

    /** Request/response with one container; the future completes with the function's reply. */
    <R> CompletableFuture<R> request(String container, Request<R> message, Duration timeout);

    /** Fire-and-forget to a container the service's balancer picks. */
    void sendToService(String service, Request<?> message);

    /** Request/response with a container the service's balancer picks. */
    <R> CompletableFuture<R> requestService(String service, Request<R> message, Duration timeout);
}
