package org.vvmhost.services.cluster;

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
 * FunctionRegistry functions = DemoFunction.register(FunctionRegistry.create());
 * try (Cluster cluster = Cluster.start(ClusterOptions.threaded(clock), functions)) {
 *     cluster.apply(ReplicaSet.of("demo", 3, Map.of("app", "demo"), ContainerSpec.of(DemoFunction.IMAGE)));
 *     cluster.apply(ClusterService.of("demo", Map.of("app", "demo"), BalancerKind.ROUND_ROBIN));
 *     String servedBy = cluster.requestService("demo", new DemoFunction.Work(1), Duration.ofSeconds(1)).get();
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

    /** Planned faults on the cluster's network: outages and latency spikes. */
    FaultInjection faults();

    /** The service's routable containers in balancing order (round robin picks the head next). */
    List<String> routable(String service);

    /** Why a service routes nowhere because of its definition (an invalid selector), or empty. */
    Optional<String> serviceProblem(String service);

    /** Sends that failed after a delayed delivery (they were logged). */
    long undeliveredSends();

    @Override
    void close();
}
