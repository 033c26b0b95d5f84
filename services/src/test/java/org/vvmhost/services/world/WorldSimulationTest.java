package org.vvmhost.services.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

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

    private static long referenceHash(int ticks) {
        try (World world = World.create(config(1, 1, 1), SETS, 1)) {
            world.advanceTo(ticks);
            return world.hash();
        }
    }

    @Test
    void anEntityCrossingIntoAnotherAreaKeepsItsIdAndAllItsComponents() {
        WorldConfig config = WorldConfig.defaults().withAreas(1, 2).withEntities(2).withComponentSets(Map.of(
                "physics", new WorldConfig.SetConfig(2), "tag", new WorldConfig.SetConfig(2)));
        List<ComponentSet> sets = DefaultWorld.resolve(config, SETS);
        ComponentSet physics = sets.get(0);
        ComponentSet tag = sets.get(1);
        Partition[][] partitions = {{new Partition(physics, 0, 2), new Partition(physics, 1, 2)},
                {new Partition(tag, 0, 2), new Partition(tag, 1, 2)}};
        // Entity 7 sits just left of the border at x = 500 and moves right; entity 8 stays put.
        place(partitions, 0, 7, 499, 300, 2, 0.5f);
        place(partitions, 0, 8, 100, 100, 0, 0);

        try (DefaultWorld world = DefaultWorld.assemble(config, sets, 2, partitions, 0, 9)) {
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
            assertThat(world.assignments()).containsEntry("physics-1", List.of(1)).containsEntry("tag-1", List.of(1));
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
        try (DefaultWorld world = DefaultWorld.spawn(config(2, 2, 1), SETS, 2)) {
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
        try (World world = World.create(config(simulators, simulators, simulators), SETS, threads)) {
            world.advanceTo(TICKS);

            assertThat(world.hash()).isEqualTo(referenceHash(TICKS));
            assertThat(world.population()).isEqualTo(3000);
            assertThat(world.rejectedWrites()).isZero();
        }
    }

    @Test
    void theHashDoesNotDependOnReassignmentsMidRun() {
        try (World world = World.create(config(4, 2, 1), SETS, 2)) {
            for (int round = 0; round < 10; round++) {
                world.advanceTo(world.tick() + TICKS / 10);
                world.reassign("physics", round % 16, round % 4);
                world.reassign("vitality", (round * 5) % 16, round % 2);
            }

            assertThat(world.tick()).isEqualTo(TICKS);
            assertThat(world.hash()).isEqualTo(referenceHash(TICKS));
            assertThat(world.rejectedWrites()).isZero();
        }
    }

    @Test
    void theHashChangesWithTheSeedAndTheTick() {
        long reference = referenceHash(TICKS);
        try (World otherSeed = World.create(config(1, 1, 1).withSeed(43), SETS, 1)) {
            otherSeed.advanceTo(TICKS);
            assertThat(otherSeed.hash()).isNotEqualTo(reference);
        }
        assertThat(referenceHash(TICKS - 1)).isNotEqualTo(reference);
    }

    @Test
    void aWorldRestoredFromAWorldViewContinuesLikeOneThatNeverStopped() {
        WorldView view;
        try (World world = World.create(config(2, 1, 1), SETS, 2)) {
            world.advanceTo(TICKS / 3);
            view = world.snapshot();
            assertThat(view.tick()).isEqualTo(TICKS / 3);
            assertThat(view.worldHash()).isEqualTo(world.hash());
        }
        // Restored with a different simulator layout: determinism does not care.
        try (World restored = World.restore(config(4, 2, 2), SETS, 2, WorldView.decode(view.bytes()))) {
            assertThat(restored.tick()).isEqualTo(TICKS / 3);
            restored.advanceTo(TICKS);

            assertThat(restored.hash()).isEqualTo(referenceHash(TICKS));
        }
    }

    @Test
    void closeStopsAndJoinsTheSimulatorThreads() {
        World world = World.create(config(2, 2, 2), SETS, 3);
        world.advanceTo(5);
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
}
