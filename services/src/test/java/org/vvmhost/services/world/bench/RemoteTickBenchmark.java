package org.vvmhost.services.world.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.cluster.ClusterWorlds;
import org.vvmhost.services.world.cluster.SimulatorServer;
import org.vvmhost.time.SystemClock;

/**
 * Tick time of the example world (physics on 2 simulators, vitality on 1, 4 × 4 areas, one passive per area) with
 * its simulators in the coordinator's cluster, or on {@code servers} gRPC simulator servers on loopback (in this
 * JVM: the figures include the wire, the codec and the extra hop, not the isolation of separate machines). Ticks
 * run back to back; after a warm-up it prints the percentiles of the measured ticks and the final hash.
 *
 * <p>Arguments: {@code [entities] [servers (0: in the cluster)] [warm-up ticks] [measured ticks]}, by default
 * {@code 100000 2 200 400}.
 */
public final class RemoteTickBenchmark {

    private RemoteTickBenchmark() {
    }

    public static void main(String[] args) {
        int entities = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int serverCount = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int measured = args.length > 3 ? Integer.parseInt(args[3]) : 400;
        Duration timeout = Duration.ofSeconds(60);
        ComponentSetRegistry sets = ComponentSetRegistry.builtIn();
        WorldConfig config = WorldConfig.defaults().withEntities(entities)
                .withComponentSets(Map.of("physics", new WorldConfig.SetConfig(2),
                        "vitality", new WorldConfig.SetConfig(1)))
                .withPassivesPerArea(1);
        List<SimulatorServer> servers = new ArrayList<>();
        try (SystemClock clock = SystemClock.create("remote-tick-clock");
             Cluster cluster = Cluster.start(ClusterOptions.threaded(clock), FunctionRegistry.create())) {
            List<String> addresses = TestWorlds.startSimulatorServers(serverCount, sets, clock, timeout, servers);
            WorldRuntime runtime = WorldRuntime.cluster(cluster).withTimeout(timeout);
            try (World world = serverCount == 0 ? TestWorlds.create(config, sets, runtime)
                    : ClusterWorlds.remote(sets, runtime, () -> TestWorlds.registered(addresses, sets))
                            .create(config)) {
                Histogram ticks = new Histogram(3);
                for (int n = 0; n < warmUp + measured; n++) {
                    long start = System.nanoTime();
                    world.step();
                    if (n >= warmUp) {
                        ticks.recordValue(System.nanoTime() - start);
                    }
                }
                System.out.printf("tick, %d entities, simulators %s: %d ticks after %d of warm-up: p50 %.2f ms, "
                                + "p99 %.2f ms, max %.2f ms; hash %016x at tick %d%n", entities,
                        serverCount == 0 ? "in the cluster" : "on " + serverCount + " simulator server(s)",
                        ticks.getTotalCount(), warmUp, ticks.getValueAtPercentile(50) / 1e6,
                        ticks.getValueAtPercentile(99) / 1e6, ticks.getMaxValue() / 1e6, world.hash(), world.tick());
            }
        } finally {
            servers.forEach(SimulatorServer::close);
        }
    }
}
