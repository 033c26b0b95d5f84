package org.vvmhost.services.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.time.SystemClock;

/**
 * Pins the world hash of the built-in world and of the example world at a few ticks, in-thread and on the cluster:
 * a change that alters the simulation, the boundary merge or the hash shows up here, whatever it is called.
 */
class WorldHashPinTest {

    private static final long[] TICKS = {0, 1, 10, 100};
    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn();
    private static final WorldConfig BUILT_IN = WorldConfig.defaults().withEntities(2000);
    private static final WorldConfig EXAMPLE = WorldConfig.load(Path.of("../examples/world/world.yaml"),
            Map.of("world.entities", "2000"));
    /** The example with another seed and an uneven grid of areas. */
    private static final WorldConfig VARIANT = WorldConfig.load(Path.of("../examples/world/world.yaml"),
            Map.of("world.entities", "3000", "world.seed", "7", "world.areas.rows", "3", "world.areas.cols", "5"));

    /**
     * Hashes at {@link #TICKS}, computed before the world's code was carved into packages. The example differs from
     * the built-in world only in its simulator counts, which do not enter the hash.
     */
    private static final long[] BUILT_IN_HASHES =
            {0x73cfe35768a3582bL, 0xb96b9bb2921b5170L, 0x90351fa8454ae5c4L, 0xebb7d6a729156408L};
    private static final long[] VARIANT_HASHES =
            {0x98003ba7def823f9L, 0x259db8580eb5ee25L, 0x089713bb6996541eL, 0x9598df7f3c3522e2L};

    @Test
    void theBuiltInWorldInThread() {
        try (World world = TestWorlds.create(BUILT_IN, SETS, 1)) {
            assertThat(hashes(world)).containsExactly(BUILT_IN_HASHES);
        }
    }

    @Test
    void theExampleWorldsOnTwoThreads() {
        try (World world = TestWorlds.create(EXAMPLE, SETS, 2)) {
            assertThat(hashes(world)).containsExactly(BUILT_IN_HASHES);
        }
        try (World world = TestWorlds.create(VARIANT, SETS, 2)) {
            assertThat(hashes(world)).containsExactly(VARIANT_HASHES);
        }
    }

    @Test
    void theBuiltInAndAVariantOnTheCluster() {
        try (SystemClock clock = SystemClock.create("hash-pin-clock");
             Cluster cluster = Cluster.start(ClusterOptions.threaded(clock), FunctionRegistry.create())) {
            WorldRuntime runtime = WorldRuntime.cluster(cluster).withTimeout(Duration.ofSeconds(20));
            try (World world = TestWorlds.create(BUILT_IN, SETS, runtime)) {
                assertThat(hashes(world)).containsExactly(BUILT_IN_HASHES);
            }
            try (World world = TestWorlds.create(VARIANT, SETS, runtime.withName("variant"))) {
                assertThat(hashes(world)).containsExactly(VARIANT_HASHES);
            }
        }
    }

    private static long[] hashes(World world) {
        long[] hashes = new long[TICKS.length];
        for (int i = 0; i < TICKS.length; i++) {
            TestWorlds.advanceTo(world, TICKS[i]);
            hashes[i] = world.hash();
        }
        return hashes;
    }
}
