package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.vvmhost.time.Clock;

/**
 * A small Kubernetes-like runtime inside one JVM: a watched {@link ResourceStore}, three level-based controllers
 * (containers, replica sets, services), containers that are worker threads running registered
 * {@link ContainerFunction}s, and services that load-balance over a routable edge set.
 *
 * <pre>{@code
 * FunctionRegistry functions = FunctionRegistry.create().register("echo", () -> (msg, ctx) -> msg);
 * try (Cluster cluster = Cluster.start(ClusterOptions.threaded(clock), functions)) {
 *     cluster.apply(ReplicaSet.of("echo", 3, Map.of("app", "echo"), ContainerSpec.of("echo")));
 *     cluster.apply(ClusterService.of("echo", Map.of("app", "echo"), BalancerKind.ROUND_ROBIN));
 *     Object reply = cluster.requestService("echo", "hi", Duration.ofSeconds(1)).get();
 * }
 * }</pre>
 *
 * <p>Closing stops every container gracefully (killing those that overrun the grace period) and every controller,
 * and joins their threads. In a virtual cluster, call {@code close} from the thread that drives the clock, not
 * from a task.
 */
public interface Cluster extends Messaging, AutoCloseable {

    /** Starts the controllers; containers start as resources are applied. */
    static Cluster start(ClusterOptions options, FunctionRegistry functions) {
        return DefaultCluster.start(options, functions);
    }

    ResourceStore store();

    FunctionRegistry functions();

    Clock clock();

    /** Creates the resource, or updates it if one of that kind and name exists (a container keeps its status). */
    <R extends Resource> R apply(R resource);

    /** Applies each in order. */
    List<Resource> apply(List<? extends Resource> resources);

    /** Deletes a resource; a deleted container is stopped gracefully, a deleted ReplicaSet's containers too. */
    boolean delete(Kind kind, String name);

    /** Sets a ReplicaSet's replicas. Throws {@link UnknownTargetException}. */
    void scale(String replicaSet, int replicas);

    Optional<Container> container(String name);

    /** The containers a ReplicaSet owns, by name. */
    List<Container> containersOf(String replicaSet);

    /** Watches containers appear, change and disappear; existing ones are replayed first as ADDED. */
    Subscription watchContainers(Consumer<WatchEvent> listener);

    /** Graceful stop: queued messages are handled, the stop hook runs, then the restart policy applies. */
    void stop(String container);

    /** Ungraceful stop, like a crash: the container becomes FAILED and its restart policy applies. */
    void kill(String container);

    /** Makes a container unroutable in every service (it keeps running). O(1) per service. */
    void markDown(String container);

    /** Makes a container routable again; it rejoins each service's order at the end. O(1) per service. */
    void markUp(String container);

    /** Adds latency to the edge of a container (negative removes it); spikes add up. */
    void addLatency(String container, Duration extra);

    /** The service's routable containers in balancing order (round robin picks the head next). */
    List<String> routable(String service);

    /** Why a service routes nowhere because of its definition (an invalid selector), or empty. */
    Optional<String> serviceProblem(String service);

    /** Sends that failed after a delayed delivery (they were logged). */
    long undeliveredSends();

    @Override
    void close();
}
