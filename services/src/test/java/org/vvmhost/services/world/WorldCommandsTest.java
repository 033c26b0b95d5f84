package org.vvmhost.services.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vvmhost.services.world.CommandScripts.onEntity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Commands applied at the start of their tick, in sequence order, on the in-thread world. */
class WorldCommandsTest {

    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn();
    private static final WorldConfig CONFIG = WorldConfig.defaults().withEntities(1000).withSeed(3);

    private static CommandSource at(long tick, SequencedCommand... commands) {
        return t -> t == tick ? List.of(commands) : List.of();
    }

    private static SequencedCommand seq(long seq, WorldCommand command) {
        return new SequencedCommand(seq, command);
    }

    @Test
    void aSpawnedEntityTakesTheIdOfItsSequenceNumberAndEntersEverySet() {
        try (World world = TestWorlds.create(CONFIG, SETS, 1)) {
            world.step(at(1,
                    seq(8, new WorldCommand.Spawn(10, 20, Map.of())),
                    seq(3, new WorldCommand.Spawn(600, 700, Map.of("physics", Map.of("vx", 2.0, "vy", -1.0),
                            "vitality", Map.of("health", 40.0))))));

            long byThreeId = WorldCommand.SPAWNED_IDS + 3;
            long byEightId = WorldCommand.SPAWNED_IDS + 8;
            assertThat(world.exists(byThreeId)).isTrue();
            assertThat(world.exists(byEightId)).isTrue();
            EntityRecord byThree = world.entity(byThreeId).orElseThrow();
            assertThat(byThree.components().get("physics"))
                    .containsEntry("x", 602f).containsEntry("y", 699f).containsEntry("vx", 2f).containsEntry("vy", -1f);
            assertThat(byThree.components().get("vitality").get("health").intValue()).isBetween(1, 41);
            assertThat(byThree.area()).isEqualTo(CONFIG.geometry().areaOf(602, 699));
            assertThat(byThree.owners()).containsOnlyKeys("physics", "vitality");
            assertThat(world.entity(byEightId).orElseThrow().area()).isEqualTo(0);
            assertThat(world.population()).isEqualTo(1002);
            assertThat(world.lastCommandSeq()).isEqualTo(8);
            assertThat(world.status().commands()).isEqualTo(new WorldStatus.CommandCounts(2, 0));
        }
    }

    @Test
    void aDespawnRemovesTheEntityFromEverySetAndLaterCommandsOnItAreIgnored() {
        try (World world = TestWorlds.create(CONFIG, SETS, 2)) {
            long victim = world.entities(new int[] {5}, 1).get(0).id();

            world.step(at(1,
                    seq(1, new WorldCommand.Despawn(victim)),
                    seq(2, onEntity("damage", victim, Map.of("amount", 5.0))),
                    seq(3, new WorldCommand.Despawn(victim))));

            assertThat(world.exists(victim)).isFalse();
            assertThat(world.entity(victim)).isEmpty();
            assertThat(world.population()).isEqualTo(999);
            assertThat(world.status().commands()).isEqualTo(new WorldStatus.CommandCounts(1, 2));
            assertThat(world.snapshot().header().population()).isEqualTo(999);
        }
    }

    @Test
    void damageCanKillHealIsCappedAndVelocityCommandsStayWithinTheWorld() {
        try (World world = TestWorlds.create(CONFIG, SETS, 1)) {
            List<EntityRecord> some = world.entities(new int[] {0, 1, 2}, 1);
            long doomed = some.get(0).id();
            long healed = some.get(1).id();
            long pushed = some.get(2).id();
            long born = world.nextEntityId();

            world.step(at(1,
                    seq(1, onEntity("damage", doomed, Map.of("amount", 1000.0))),
                    seq(2, onEntity("heal", healed, Map.of("amount", 1_000_000.0))),
                    seq(3, onEntity("set-velocity", pushed, Map.of("vx", 900.0, "vy", 0.0))),
                    seq(4, onEntity("impulse", pushed, Map.of("dvx", 900.0, "dvy", -1000.0)))));

            assertThat(world.exists(doomed)).as("killed by the damage").isFalse();
            assertThat(world.exists(born)).as("a newborn takes its place").isTrue();
            assertThat(world.population()).isEqualTo(1000);
            int health = world.entity(healed).orElseThrow().components().get("vitality").get("health").intValue();
            assertThat(health).isLessThanOrEqualTo(100);
            Map<String, Number> physics = world.entity(pushed).orElseThrow().components().get("physics");
            // 900 + 900 is clamped to the world's width, 1000, and 0 - 1000 stays; the tick bounces both off an edge.
            assertThat(physics.get("vx").floatValue()).isEqualTo(-1000f);
            assertThat(physics.get("vy").floatValue()).isEqualTo(1000f);
            assertThat(physics.get("x").floatValue()).isBetween(0f, 1000f);
            assertThat(physics.get("y").floatValue()).isBetween(0f, 1000f);
        }
    }

    @Test
    void theHashWithCommandsDoesNotDependOnSimulatorsOrThreads() {
        long reference;
        try (World world = TestWorlds.create(CONFIG, SETS, 1)) {
            CommandScripts.advanceTo(world, 60, CommandScripts.busy(1000));
            reference = world.hash();
            assertThat(world.status().commands().applied()).isPositive();
            assertThat(world.status().commands().ignored()).isPositive();
        }
        WorldConfig spread = CONFIG.withComponentSets(Map.of("physics", new WorldConfig.SetConfig(3),
                "vitality", new WorldConfig.SetConfig(2)));
        try (World world = TestWorlds.create(spread, SETS, 2)) {
            CommandScripts.advanceTo(world, 60, CommandScripts.busy(1000));
            assertThat(world.hash()).isEqualTo(reference);
        }
    }

    @Test
    void replayFromAViewPlusTheLaterCommandsEqualsAStraightRun() {
        CommandSource script = CommandScripts.busy(1000);
        long straight;
        WorldView midway;
        try (World world = TestWorlds.create(CONFIG, SETS, 1)) {
            CommandScripts.advanceTo(world, 25, script);
            midway = world.snapshot();
            CommandScripts.advanceTo(world, 50, script);
            straight = world.hash();
        }
        try (World restored = TestWorlds.restore(CONFIG, SETS, 2, midway)) {
            List<Long> asked = new ArrayList<>();
            CommandScripts.advanceTo(restored, 50, tick -> {
                asked.add(tick);
                return script.commandsOf(tick);
            });
            assertThat(restored.hash()).isEqualTo(straight);
            assertThat(asked).first().isEqualTo(26L);
        }
    }

    @Test
    void queriesListAnAreasEntitiesLowestIdsFirstWithTheirComponents() {
        try (World world = TestWorlds.create(CONFIG, SETS, 2)) {
            world.step();
            List<EntityRecord> listed = world.entities(new int[] {3, 7}, 4);

            assertThat(listed).hasSize(8);
            assertThat(listed.subList(0, 4)).allSatisfy(e -> assertThat(e.area()).isEqualTo(3));
            assertThat(listed.subList(0, 4)).extracting(EntityRecord::id).isSorted();
            for (EntityRecord entity : listed) {
                assertThat(world.entity(entity.id())).contains(entity);
                assertThat(entity.components().get("physics")).containsOnlyKeys("x", "y", "vx", "vy");
                assertThat(entity.components().get("vitality")).containsOnlyKeys("health");
            }
        }
    }
}
