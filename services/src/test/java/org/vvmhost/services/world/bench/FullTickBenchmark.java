package org.vvmhost.services.world.bench;

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
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;

/**
 * The time of one full tick of the example world (physics on 2 simulators, vitality on 1, 4 × 4 areas, so with
 * crossings, deaths and births), sampled, for the tick-time percentiles: p99 must stay far below 50 ms at 20 Hz.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FullTickBenchmark {

    @Param({"100000"})
    public int entities;

    @Param({"2"})
    public int threads;

    private World world;

    @Setup(Level.Trial)
    public void spawn() {
        WorldConfig config = WorldConfig.defaults()
                .withEntities(entities)
                .withComponentSets(Map.of("physics", new WorldConfig.SetConfig(2),
                        "vitality", new WorldConfig.SetConfig(1)));
        world = TestWorlds.create(config, ComponentSetRegistry.builtIn(), threads);
    }

    @TearDown(Level.Trial)
    public void close() {
        world.close();
    }

    @Benchmark
    public long fullTick() {
        return world.step();
    }
}
