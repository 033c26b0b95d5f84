package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A cluster on a virtual clock with a counting function: every test step is deterministic and instant. */
public final class VirtualClusterFixture implements AutoCloseable {

    public final VirtualClock clock = VirtualClock.create();
    public final Map<String, AtomicLong> served = new ConcurrentHashMap<>();
    public final FunctionRegistry functions = FunctionRegistry.create()
            .register("count", () -> TestFunctions.replying((msg, ctx) -> {
                served.computeIfAbsent(ctx.name(), n -> new AtomicLong()).incrementAndGet();
                return ctx.name();
            }));
    public final Cluster cluster = Cluster.start(ClusterOptions.virtual(clock).withSeed(11), functions);

    /** Three containers of the counting function, s1..s3, behind the round-robin service {@code web}. */
    public void threeServers() {
        for (String name : List.of("s1", "s2", "s3")) {
            cluster.apply(Container.of(name, Map.of("app", "web"), ContainerSpec.of("count")));
        }
        cluster.apply(ClusterService.of("web", Map.of("app", "web"), BalancerKind.ROUND_ROBIN));
        settle();
    }

    public void settle() {
        clock.runFor(Duration.ofMillis(50));
    }

    public long servedBy(String container) {
        AtomicLong count = served.get(container);
        return count == null ? 0 : count.get();
    }

    List<String> replicaNames(String replicaSet) {
        return cluster.containersOf(replicaSet).stream().map(Container::name).toList();
    }

    List<String> readyReplicas(String replicaSet) {
        return cluster.containersOf(replicaSet).stream().filter(c -> c.status().ready()).map(Container::name).toList();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
