package org.vvmhost.services.world.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.time.SystemClock;

/**
 * The time of one full tick of the example world (physics on 2 simulators, vitality on 1, 4 × 4 areas, so with
 * crossings, deaths and births), sampled, for the tick-time percentiles: p99 must stay far below 50 ms at 20 Hz.
 * {@code runtime}: {@code threads} runs the simulators on the world's own threads, with no passives;
 * {@code cluster} runs them as containers of a threaded in-process cluster with one passive per area, as the leader
 * does. With JMH's {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per tick.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FullTickBenchmark {

    @Param({"100000"})
    public int entities;

    @Param({"2"})
    public int threads;

    @Param({"threads", "cluster"})
    public String runtime;

    private SystemClock clock;
    private Cluster cluster;
    private World world;

    @Setup(Level.Trial)
    public void spawn() {
        WorldConfig config = WorldConfig.defaults()
                .withEntities(entities)
                .withComponentSets(Map.of("physics", new WorldConfig.SetConfig(2),
                        "vitality", new WorldConfig.SetConfig(1)));
        if (runtime.equals("cluster")) {
            clock = SystemClock.create("full-tick-clock");
            cluster = Cluster.start(ClusterOptions.threaded(clock), FunctionRegistry.create());
            world = TestWorlds.create(config.withPassivesPerArea(1), ComponentSetRegistry.builtIn(),
                    WorldRuntime.cluster(cluster).withTimeout(Duration.ofSeconds(60)));
        } else {
            world = TestWorlds.create(config, ComponentSetRegistry.builtIn(), threads);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        world.close();
        if (cluster != null) {
            cluster.close();
            clock.close();
        }
    }

    @Benchmark
    public long fullTick() {
        return world.step();
    }
}
