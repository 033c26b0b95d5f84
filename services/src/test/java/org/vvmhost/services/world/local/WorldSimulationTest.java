package org.vvmhost.services.world.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.PhysicsSet;
import org.vvmhost.services.world.TagSet;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.core.AreaSnapshot;
import org.vvmhost.services.world.core.AuthorityTable;
import org.vvmhost.services.world.core.Partition;
import org.vvmhost.services.world.core.Simulator;
import org.vvmhost.services.world.core.WorldCore;
import org.vvmhost.services.world.core.WorldState;

class WorldSimulationTest {

    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn().with(new TagSet());
    private static final int TICKS = 300;
    /** Sets run in name order: physics, tag, vitality. */
    private static final int TAG = 1;

    private static WorldConfig config(int physicsSimulators, int vitalitySimulators, int tagSimulators) {
        return WorldConfig.defaults().withEntities(3000).withAreas(4, 4).withComponentSets(Map.of(
                "physics", new WorldConfig.SetConfig(physicsSimulators),
                "vitality", new WorldConfig.SetConfig(vitalitySimulators),
                "tag", new WorldConfig.SetConfig(tagSimulators)));
    }

    private static WorldView viewAt(int ticks) {
        try (World world = TestWorlds.create(config(1, 1, 1), SETS, 1)) {
            TestWorlds.advanceTo(world, ticks);
            return world.snapshot();
        }
    }

    private static long referenceHash(int ticks) {
        try (World world = TestWorlds.create(config(1, 1, 1), SETS, 1)) {
            TestWorlds.advanceTo(world, ticks);
            return world.hash();
        }
    }

    @Test
    void anEntityCrossingIntoAnotherAreaKeepsItsIdAndAllItsComponents() {
        WorldConfig config = WorldConfig.defaults().withAreas(1, 2).withEntities(2).withComponentSets(Map.of(
                "physics", new WorldConfig.SetConfig(2), "tag", new WorldConfig.SetConfig(2)));
        WorldCore core = WorldCore.of(config, SETS);
        List<ComponentSet> sets = core.sets();
        ComponentSet physics = sets.get(0);
        ComponentSet tag = sets.get(1);
        Partition[][] partitions = {{new Partition(physics, 0, 2), new Partition(physics, 1, 2)},
                {new Partition(tag, 0, 2), new Partition(tag, 1, 2)}};
        // Entity 7 sits just left of the border at x = 500 and moves right; entity 8 stays put.
        place(partitions, 0, 7, 499, 300, 2, 0.5f);
        place(partitions, 0, 8, 100, 100, 0, 0);

        try (LocalWorld world = LocalWorlds.assemble(core, new WorldState(partitions, 0, 9, -1), 2)) {
            world.step();

            Partition[][] after = world.partitions();
            assertThat(after[0][0].rowOf(7)).isEqualTo(-1);
            assertThat(after[1][0].rowOf(7)).isEqualTo(-1);
            int physicsRow = after[0][1].rowOf(7);
            int tagRow = after[1][1].rowOf(7);
            assertThat(physicsRow).isNotNegative();
            assertThat(tagRow).isNotNegative();
            assertThat(after[0][1].floats(PhysicsSet.X)[physicsRow]).isEqualTo(501f);
            assertThat(after[0][1].floats(PhysicsSet.Y)[physicsRow]).isEqualTo(300.5f);
            assertThat(after[0][1].floats(PhysicsSet.VX)[physicsRow]).isEqualTo(2f);
            assertThat(after[0][1].floats(PhysicsSet.VY)[physicsRow]).isEqualTo(0.5f);
            assertThat(after[1][1].ints(0)[tagRow]).isEqualTo(TagSet.tagOf(7));
            assertThat(after[1][1].ints(1)[tagRow]).isEqualTo(1);
            assertThat(world.population()).isEqualTo(2);
            assertThat(TestWorlds.assignments(world)).containsEntry("physics-1", List.of(1)).containsEntry("tag-1", List.of(1));
        }
    }

    private static void place(Partition[][] partitions, int area, long id, float x, float y, float vx, float vy) {
        Partition physics = partitions[0][area];
        int row = physics.add(id);
        physics.floats(PhysicsSet.X)[row] = x;
        physics.floats(PhysicsSet.Y)[row] = y;
        physics.floats(PhysicsSet.VX)[row] = vx;
        physics.floats(PhysicsSet.VY)[row] = vy;
        Partition tag = partitions[1][area];
        tag.ints(0)[tag.add(id)] = TagSet.tagOf(id);
    }

    @Test
    void noEntityIsLostOrDuplicatedAndThePopulationIsKept() {
        WorldCore core = WorldCore.of(config(2, 2, 1), SETS);
        try (LocalWorld world = LocalWorlds.assemble(core, core.spawn(), 2)) {
            Map<Long, Integer> areaAtStart = areasById(world.partitions()[0]);
            long births = 0;
            for (int t = 0; t < TICKS; t++) {
                world.step();
                Partition[][] partitions = world.partitions();
                for (Partition[] bySet : partitions) {
                    Set<Long> ids = new HashSet<>();
                    for (Partition partition : bySet) {
                        for (int row = 0; row < partition.size(); row++) {
                            assertThat(ids.add(partition.ids()[row])).as("entity held twice").isTrue();
                        }
                    }
                    assertThat(ids).hasSize(3000);
                }
                // Every entity is in the same area in every set, and its tag survived every move.
                for (int area = 0; area < 16; area++) {
                    for (int s = 1; s < partitions.length; s++) {
                        assertThat(partitions[s][area].size()).isEqualTo(partitions[0][area].size());
                    }
                    Partition tags = partitions[TAG][area];
                    for (int row = 0; row < tags.size(); row++) {
                        assertThat(partitions[0][area].rowOf(tags.ids()[row])).isNotNegative();
                        assertThat(tags.ints(0)[row]).isEqualTo(TagSet.tagOf(tags.ids()[row]));
                    }
                }
            }
            Map<Long, Integer> areaAtEnd = areasById(world.partitions()[0]);
            long moved = areaAtEnd.entrySet().stream()
                    .filter(e -> areaAtStart.containsKey(e.getKey()) && !areaAtStart.get(e.getKey()).equals(e.getValue()))
                    .count();
            births = areaAtEnd.keySet().stream().filter(id -> id >= 3000).count();
            assertThat(moved).as("entities that changed area").isPositive();
            assertThat(births).as("entities born after a death").isPositive();
            assertThat(world.population()).isEqualTo(3000);
        }
    }

    private static Map<Long, Integer> areasById(Partition[] partitions) {
        Map<Long, Integer> areas = new HashMap<>();
        for (Partition partition : partitions) {
            for (int row = 0; row < partition.size(); row++) {
                areas.put(partition.ids()[row], partition.area());
            }
        }
        return areas;
    }

    @ParameterizedTest(name = "{0} simulators per set on {1} threads")
    @CsvSource({"1, 1", "2, 1", "2, 2", "4, 2", "4, 4"})
    void theHashAfterNTicksDoesNotDependOnHowManySimulatorsRun(int simulators, int threads) {
        try (World world = TestWorlds.create(config(simulators, simulators, simulators), SETS, threads)) {
            TestWorlds.advanceTo(world, TICKS);

            assertThat(world.hash()).isEqualTo(referenceHash(TICKS));
            assertThat(world.population()).isEqualTo(3000);
            assertThat(world.status().rejectedWrites()).isZero();
        }
    }

    /** A local world whose simulators the test holds, to move areas between them as a coordinator would. */
    private record Held(LocalWorld world, AuthorityTable authority, List<List<Simulator>> simulators)
            implements AutoCloseable {

        static Held of(WorldConfig config, ComponentSetRegistry registry, int threads) {
            WorldCore core = WorldCore.of(config, registry);
            WorldState state = core.spawn();
            AuthorityTable authority = new AuthorityTable();
            List<List<Simulator>> simulators = LocalWorlds.simulators(core, state, authority);
            return new Held(new LocalWorld(core, authority, simulators, threads, state),
                    authority, simulators);
        }

        /** Moves ({@code set}, {@code area}) to simulator number {@code target} of the set through a snapshot. */
        void reassign(int set, int area, int target) {
            List<Simulator> ofSet = simulators.get(set);
            Simulator to = ofSet.get(target);
            Simulator holder = ofSet.stream().filter(s -> s.partition(area) != null).findFirst().orElseThrow();
            if (holder != to) {
                AreaSnapshot snapshot = holder.release(area, world.tick());
                to.assume(authority.issue(to.set().name(), area, to.id()), Partition.restore(to.set(), snapshot));
            }
        }

        @Override
        public void close() {
            world.close();
        }
    }

    @Test
    void theHashDoesNotDependOnReassignmentsMidRun() {
        try (Held held = Held.of(config(4, 2, 1), SETS, 2)) {
            World world = held.world();
            for (int round = 0; round < 10; round++) {
                TestWorlds.advanceTo(world, world.tick() + TICKS / 10);
                held.reassign(0, round % 16, round % 4);
                held.reassign(2, (round * 5) % 16, round % 2);
            }

            assertThat(world.tick()).isEqualTo(TICKS);
            assertThat(world.hash()).isEqualTo(referenceHash(TICKS));
            assertThat(world.status().rejectedWrites()).isZero();
        }
    }

    @Test
    void theHashChangesWithTheSeedAndTheTick() {
        long reference = referenceHash(TICKS);
        try (World otherSeed = TestWorlds.create(config(1, 1, 1).withSeed(43), SETS, 1)) {
            TestWorlds.advanceTo(otherSeed, TICKS);
            assertThat(otherSeed.hash()).isNotEqualTo(reference);
        }
        assertThat(referenceHash(TICKS - 1)).isNotEqualTo(reference);
    }

    @Test
    void aWorldRestoredFromAWorldViewContinuesLikeOneThatNeverStopped() {
        WorldView view;
        try (World world = TestWorlds.create(config(2, 1, 1), SETS, 2)) {
            TestWorlds.advanceTo(world, TICKS / 3);
            view = world.snapshot();
            assertThat(view.tick()).isEqualTo(TICKS / 3);
            assertThat(view.worldHash()).isEqualTo(world.hash());
        }
        // Restored with a different simulator layout: determinism does not care.
        try (World restored = TestWorlds.restore(config(4, 2, 2), SETS, 2, WorldView.decode(view.bytes()))) {
            assertThat(restored.tick()).isEqualTo(TICKS / 3);
            TestWorlds.advanceTo(restored, TICKS);

            assertThat(restored.hash()).isEqualTo(referenceHash(TICKS));
        }
    }

    @Test
    void aViewLoadedIntoARunningWorldReplacesItsStateAndItGoesOnLikeTheOriginal() {
        WorldView view = viewAt(TICKS / 3);
        try (World warm = TestWorlds.create(config(2, 1, 1), SETS, 2)) {
            TestWorlds.advanceTo(warm, 7);
            long before = warm.hash();
            try (World otherWorld = TestWorlds.create(config(2, 1, 1).withSeed(99), SETS, 1)) {
                WorldView foreign = otherWorld.snapshot();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> warm.load(foreign))
                        .hasMessageContaining("world.seed");
            }
            assertThat(warm.tick()).as("a refused view changes nothing").isEqualTo(7);
            assertThat(warm.hash()).isEqualTo(before);

            warm.load(WorldView.decode(view.bytes()));

            assertThat(warm.tick()).isEqualTo(TICKS / 3);
            assertThat(warm.hash()).isEqualTo(view.worldHash());
            TestWorlds.advanceTo(warm, TICKS);
            assertThat(warm.hash()).isEqualTo(referenceHash(TICKS));
        }
    }

    @Test
    void closeStopsAndJoinsTheSimulatorThreads() {
        World world = TestWorlds.create(config(2, 2, 2), SETS, 3);
        TestWorlds.advanceTo(world, 5);
        assertThat(simulatorThreads()).isPositive();

        world.close();
        world.close();

        assertThat(simulatorThreads()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(world::step).hasMessage("the world is closed");
    }

    private static long simulatorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("world-simulator-") && thread.isAlive())
                .count();
    }

    @Test
    void reassigningAnAreaLeavesNoRejectedWritesAndMovesTheArea() {
        WorldConfig config = WorldConfig.defaults().withEntities(500).withComponentSets(
                Map.of("physics", new WorldConfig.SetConfig(2), "vitality", new WorldConfig.SetConfig(1)));
        try (Held held = Held.of(config, ComponentSetRegistry.builtIn(), 1)) {
            World world = held.world();
            TestWorlds.advanceTo(world, 5);
            held.reassign(0, 0, 1);
            TestWorlds.advanceTo(world, 10);

            assertThat(TestWorlds.assignments(world).get("physics-1")).contains(0);
            assertThat(TestWorlds.assignments(world).get("physics-0")).doesNotContain(0);
            assertThat(world.status().rejectedWrites()).isZero();
        }
    }
}
