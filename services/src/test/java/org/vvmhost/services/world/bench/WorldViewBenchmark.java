package org.vvmhost.services.world.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.view.WorldViewStore;

/**
 * World view backup and restore of a physics + vitality world, to files. {@code write} = snapshot (hash, encode,
 * checksum) + save (write, force, rename); {@code restore} = load (read, checksum) + restore (decode, re-hash).
 * Score: milliseconds per operation; the runner divides the view's size by it for MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WorldViewBenchmark {

    @Param({"1000000"})
    public int entities;

    private WorldConfig config;
    private World world;
    private Path directory;
    private WorldViewStore store;

    @Setup(Level.Trial)
    public void spawn() throws IOException {
        config = WorldConfig.defaults().withEntities(entities);
        world = TestWorlds.create(config, ComponentSetRegistry.builtIn(), 1);
        TestWorlds.advanceTo(world, 10);
        directory = Files.createTempDirectory("world-view-bench");
        store = WorldViewStore.file(directory);
        WorldView view = world.snapshot();
        store.save(view);
        System.out.println("world-view-bytes=" + view.bytes().length);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        world.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Benchmark
    public WorldView write() {
        WorldView view = world.snapshot();
        store.save(view);
        return view;
    }

    @Benchmark
    public long restore() {
        WorldView view = store.load().view().orElseThrow();
        try (World restored = TestWorlds.restore(config, ComponentSetRegistry.builtIn(), 1, view)) {
            return restored.tick();
        }
    }
}
