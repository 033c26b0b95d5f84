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
 * A full physics tick of the world (simulate, barrier, boundary merge): one area per thread, one simulator per
 * area. Score: ticks per second; entity-updates per second = score × entities (the runner prints both).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PhysicsTickBenchmark {

    @Param({"10000", "100000", "1000000"})
    public int entities;

    @Param({"1", "2"})
    public int threads;

    private World world;

    @Setup(Level.Trial)
    public void spawn() {
        WorldConfig config = WorldConfig.defaults()
                .withEntities(entities)
                .withAreas(1, threads)
                .withComponentSets(Map.of("physics", new WorldConfig.SetConfig(threads)));
        world = TestWorlds.create(config, ComponentSetRegistry.builtIn(), threads);
    }

    @TearDown(Level.Trial)
    public void close() {
        world.close();
    }

    @Benchmark
    public long physicsTick() {
        return world.step();
    }
}
