package org.vvmhost.services.world.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.Container;
import org.vvmhost.services.cluster.ContainerStatus;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.world.CommandScripts;
import org.vvmhost.services.world.CommandSource;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.EntityRecord;
import org.vvmhost.services.world.SequencedCommand;
import org.vvmhost.services.world.WorldCommand;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldStatus;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.core.AreaDelta;
import org.vvmhost.time.SystemClock;

/**
 * The world on a real threaded cluster, fed commands every tick: every flow of the workload distributor ends in the
 * same world hash as an uninterrupted in-thread reference run of the same config and the same commands. Events are
 * injected between ticks; the coordinator copes with them landing mid-tick too, since stop and kill act
 * asynchronously.
 */
class ClusterWorldTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn();
    private static final Map<Long, World> REFERENCE = new HashMap<>();
    /** Spawns, despawns, damage, heal and velocity commands every tick, some on entities that died. */
    private static final CommandSource SCRIPT = CommandScripts.busy(1200);

    private final SystemClock clock = SystemClock.create("cluster-world-test-clock");
    private final Cluster cluster = Cluster.start(ClusterOptions.threaded(clock)
            .withRestartBackoff(Duration.ofMillis(10)), FunctionRegistry.create());

    @AfterEach
    void tearDown() {
        cluster.close();
        clock.close();
    }

    /** 1200 entities in 3 × 3 areas: small enough to be quick, busy enough that entities cross and die. */
    private static WorldConfig config(int simulators, int passives) {
        return WorldConfig.defaults().withEntities(1200).withAreas(3, 3).withSeed(7)
                .withComponentSets(Map.of("physics", new WorldConfig.SetConfig(simulators),
                        "vitality", new WorldConfig.SetConfig(simulators)))
                .withPassivesPerArea(passives);
    }

    /** The hash of an uninterrupted in-thread run fed the same commands; simulators and passives do not enter it. */
    private static long reference(long ticks) {
        return referenceAt(ticks).hash();
    }

    private static synchronized World referenceAt(long ticks) {
        return REFERENCE.computeIfAbsent(ticks, n -> {
            World world = TestWorlds.create(config(1, 0), SETS, 1);
            CommandScripts.advanceTo(world, n, SCRIPT);
            return world;
        });
    }

    private static void advanceTo(World world, long tick) {
        CommandScripts.advanceTo(world, tick, SCRIPT);
    }

    private World create(WorldConfig config) {
        return TestWorlds.create(config, SETS, WorldRuntime.cluster(cluster).withTimeout(WAIT));
    }

    /** A physics simulator that is active for at least one area. */
    private static String anActivePhysicsSimulator(World world) {
        return world.status().areas().stream()
                .filter(roles -> roles.set().equals("physics"))
                .map(WorldStatus.AreaRoles::active)
                .findFirst().orElseThrow();
    }

    private static List<Integer> activeAreasOf(World world, String simulator) {
        return world.status().areas().stream()
                .filter(roles -> roles.active().equals(simulator))
                .map(WorldStatus.AreaRoles::area)
                .toList();
    }

    /**
     * Steps until {@code simulator} holds no role. A graceful stop acts asynchronously (the cluster's controller
     * stops the container on its own thread, then its stop hook waits for the coordinator), so on a loaded machine
     * the hand-over may land many ticks after the stop was asked for: a fixed number of ticks is not enough.
     */
    private static void stepUntilHandedOver(World world, String simulator) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (world.status().areas().stream()
                .anyMatch(roles -> roles.active().equals(simulator) || roles.passives().contains(simulator))) {
            assertThat(System.nanoTime()).as("%s handed over its areas within %s", simulator, WAIT)
                    .isLessThan(deadline);
            world.step(SCRIPT);
        }
    }

    private void awaitEnded(String container) {
        await().atMost(WAIT).until(() -> cluster.container(container)
                .map(c -> c.status().isEnded()).orElse(true));
    }

    private void awaitReadySimulators(String replicaSet, int count) {
        await().atMost(WAIT).until(() -> cluster.containersOf(replicaSet).stream()
                .map(Container::status)
                .filter(status -> status.phase() == ContainerStatus.Phase.RUNNING && status.ready())
                .count() == count);
    }

    @ParameterizedTest(name = "{0} simulator(s) per set")
    @ValueSource(ints = {1, 2, 4})
    void theHashAfterNTicksDoesNotDependOnHowManySimulatorsRun(int simulators) {
        try (World world = create(config(simulators, 1))) {
            assertThat(TestWorlds.assignments(world)).hasSize(2 * simulators);

            advanceTo(world, 40);

            assertThat(world.tick()).isEqualTo(40);
            assertThat(world.hash()).isEqualTo(reference(40));
            assertThat(world.population()).isEqualTo(referenceAt(40).population());
            assertThat(world.status().commands()).isEqualTo(referenceAt(40).status().commands());
            assertThat(world.status().rejectedWrites()).isZero();
            // The script spawns one entity a tick, with sequence number 10 × tick + 4: one of tick 39, if it lives.
            EntityRecord spawned = world.entity(WorldCommand.SPAWNED_IDS + 394).orElseGet(() ->
                    world.entities(new int[] {0}, 1).get(0));
            assertThat(spawned).isEqualTo(referenceAt(40).entity(spawned.id()).map(e -> withOwners(e, spawned))
                    .orElseThrow());
        }
    }

    /** {@code reference} with the owners of {@code other}: who simulates an entity differs, its components do not. */
    private static EntityRecord withOwners(EntityRecord reference, EntityRecord other) {
        return new EntityRecord(reference.id(), reference.area(), reference.components(), other.owners());
    }

    @Test
    void everyAreaHasOneActiveAndItsPassivesOnOtherSimulators() {
        try (World world = create(config(3, 2))) {
            advanceTo(world, 2);

            WorldStatus status = world.status();
            assertThat(status.areas()).hasSize(2 * 9);
            for (WorldStatus.AreaRoles roles : status.areas()) {
                assertThat(roles.passives()).hasSize(2).doesNotContain(roles.active()).doesNotHaveDuplicates();
            }
            // Balanced by entity count: no simulator of a set holds more than half of its set's entities.
            Map<String, Long> load = new HashMap<>();
            status.areas().forEach(roles -> load.merge(roles.active(), roles.entities(), Long::sum));
            assertThat(load).hasSize(6);
            assertThat(load.values()).allSatisfy(entities -> assertThat(entities).isLessThan(600));
        }
    }

    @Test
    void gracefulStopOfAnActiveWithAPassivePromotesThePassive() {
        try (World world = create(config(2, 1))) {
            advanceTo(world, 10);
            String leaving = anActivePhysicsSimulator(world);
            int held = activeAreasOf(world, leaving).size();

            cluster.stop(leaving);
            stepUntilHandedOver(world, leaving);
            long end = world.tick() + 20;
            advanceTo(world, end);

            WorldStatus status = world.status();
            assertThat(status.promotions()).isEqualTo(held);
            assertThat(status.migrations()).isZero();
            assertThat(status.rewinds()).isEmpty();
            assertThat(status.areas()).noneMatch(roles -> roles.active().equals(leaving)
                    || roles.passives().contains(leaving));
            assertThat(world.hash()).isEqualTo(reference(end));
        }
    }

    @Test
    void gracefulStopOfAnActiveWithNoPassiveMigratesItsAreas() {
        try (World world = create(config(2, 0))) {
            advanceTo(world, 10);
            String leaving = anActivePhysicsSimulator(world);
            int held = activeAreasOf(world, leaving).size();

            cluster.stop(leaving);
            stepUntilHandedOver(world, leaving);
            long end = world.tick() + 20;
            advanceTo(world, end);

            WorldStatus status = world.status();
            assertThat(status.migrations()).isEqualTo(held);
            assertThat(status.promotions()).isZero();
            assertThat(status.rewinds()).isEmpty();
            assertThat(status.areas()).noneMatch(roles -> roles.active().equals(leaving));
            assertThat(world.hash()).isEqualTo(reference(end));
        }
    }

    /**
     * A controlled hand-over in the middle of a tick. The leaver is stopped after the tick's commands were routed to
     * its areas and before its step is sent: from then on it takes no message (its mailbox closes, then its stop hook
     * snapshots its areas and hands them over), so the coordinator waits until the hand-over is acknowledged and sends
     * the step, with its commands, to the successor: a migrated area's new holder, or a promoted passive. Each command
     * is applied once, where an uninterrupted run applies it.
     */
    @ParameterizedTest(name = "{0} passive(s) per area")
    @ValueSource(ints = {0, 1})
    void commandsSentToALeavingActiveDuringItsHandOverReachItsSuccessorOnce(int passives) {
        try (World world = create(config(2, passives)); World reference = TestWorlds.create(config(1, 0), SETS, 1)) {
            advanceTo(world, 10);
            String leaving = anActivePhysicsSimulator(world);
            List<Integer> areas = activeAreasOf(world, leaving);
            long[] targets = world.entities(areas.stream().mapToInt(Integer::intValue).toArray(), 1).stream()
                    .mapToLong(EntityRecord::id).limit(4).toArray();
            assertThat(targets).isNotEmpty();
            long handOverTick = world.tick() + 1;
            // The script's sequence numbers of a tick are 10 × tick + 0..5: these follow them.
            CommandSource commands = tick -> {
                List<SequencedCommand> all = new ArrayList<>(SCRIPT.commandsOf(tick));
                for (int i = 0; tick == handOverTick && i < targets.length; i++) {
                    all.add(new SequencedCommand(tick * 10 + 6 + i, CommandScripts.onEntity("set-velocity",
                            targets[i], Map.of("vx", 7.5 + i, "vy", -2.5))));
                }
                return all;
            };
            AtomicBoolean stopped = new AtomicBoolean();
            CommandSource stoppingMidTick = tick -> {
                if (tick == handOverTick && stopped.compareAndSet(false, true)) {
                    cluster.stop(leaving);
                    await().atMost(WAIT).until(() -> cluster.container(leaving)
                            .map(c -> !c.status().ready()).orElse(true));
                }
                return commands.commandsOf(tick);
            };

            world.step(stoppingMidTick);
            CommandScripts.advanceTo(reference, handOverTick, commands);

            WorldStatus status = world.status();
            assertThat(stopped).isTrue();
            assertThat(status.areas()).noneMatch(roles -> roles.active().equals(leaving));
            assertThat(passives == 0 ? status.migrations() : status.promotions()).isEqualTo(areas.size());
            assertThat(status.rewinds()).isEmpty();
            assertThat(status.commands()).isEqualTo(reference.status().commands());
            for (long id : targets) {
                Optional<EntityRecord> expected = reference.entity(id);
                Optional<EntityRecord> actual = world.entity(id);
                assertThat(actual.map(EntityRecord::components)).as("entity %d", id)
                        .isEqualTo(expected.map(EntityRecord::components));
            }
            assertThat(reference.entity(targets[0]).orElseThrow().components().get("physics").get("vx"))
                    .as("the command took effect").isEqualTo(7.5f);
            awaitEnded(leaving);
            assertThat(cluster.container(leaving).map(c -> c.status().phase()))
                    .as("a graceful stop, not a kill").isIn(Optional.empty(),
                            Optional.of(ContainerStatus.Phase.TERMINATED));
            long end = world.tick() + 10;
            advanceTo(world, end);
            CommandScripts.advanceTo(reference, end, commands);
            assertThat(world.hash()).isEqualTo(reference.hash());
        }
    }

    @Test
    void gracefulStopOfTheOnlySimulatorParksItsAreasUntilTheReplacementTakesThem() {
        try (World world = create(config(1, 0))) {
            advanceTo(world, 5);
            String leaving = anActivePhysicsSimulator(world);

            cluster.stop(leaving);
            stepUntilHandedOver(world, leaving);
            long end = world.tick() + 10;
            advanceTo(world, end);

            assertThat(world.status().areas()).noneMatch(roles -> roles.active().equals(leaving));
            assertThat(world.status().rewinds()).isEmpty();
            assertThat(world.hash()).isEqualTo(reference(end));
        }
    }

    @Test
    void crashOfAnActiveWithAPassivePromotesThePassiveWithoutLosingATick() {
        try (World world = create(config(2, 1))) {
            advanceTo(world, 10);
            String crashing = anActivePhysicsSimulator(world);
            int held = activeAreasOf(world, crashing).size();

            cluster.kill(crashing);
            awaitEnded(crashing);
            advanceTo(world, 30);

            WorldStatus status = world.status();
            assertThat(status.promotions()).isEqualTo(held);
            assertThat(status.ticksLost()).isZero();
            assertThat(status.rewinds()).isEmpty();
            assertThat(world.hash()).isEqualTo(reference(30));
        }
    }

    /**
     * A passive's copy goes wrong without a word: its velocities differ from its active's, from a delta that does
     * not belong to its sequence (as when one was lost) or within it (a corrupted value). The next delta's base
     * tick (for the first) or the next checksum (for the second) catches it, it gets a full copy again, and a crash
     * of the active afterwards promotes it to the exact world.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a delta lost", "a value corrupted"})
    void aPassiveThatDivergesIsCaughtAndResyncedSoItsPromotionIsExact(String fault) throws Exception {
        try (World world = create(config(2, 1))) {
            advanceTo(world, 10);
            WorldStatus.AreaRoles roles = world.status().areas().stream()
                    .filter(r -> r.set().equals("physics") && r.area() == 4).findFirst().orElseThrow();
            String passive = roles.passives().get(0);
            long tick = world.tick();
            int size = Math.toIntExact(roles.entities());
            boolean lost = fault.equals("a delta lost");
            AreaDelta.FloatChanges none = new AreaDelta.FloatChanges(new int[0], new float[0]);
            // Every velocity is wrong, so entities that stay in the area keep the fault (one that leaves drops it).
            float[] wrong = new float[size];
            Arrays.fill(wrong, 1.25f);
            AreaDelta.FloatChanges vy = new AreaDelta.FloatChanges(null, wrong);
            AreaDelta bad = new AreaDelta("physics", 4, tick, lost ? tick + 1 : tick, roles.epoch(), new long[0], size,
                    new AreaDelta.FloatChanges[] {none, none, none, vy}, new AreaDelta.IntChanges[0], false, 0);
            SimulatorProtocol.Synced synced = cluster.request(passive, new SimulatorProtocol.Sync(List.of(
                    new SimulatorProtocol.Replica(4, SimulatorProtocol.completed(tick), null, bad))), WAIT)
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(synced.stale()).as("the fault is silent when it lands").isEmpty();

            advanceTo(world, tick + SimulatorFunction.CHECK_EVERY + 2);
            assertThat(world.status().areas()).filteredOn(r -> r.set().equals("physics") && r.area() == 4)
                    .singleElement().satisfies(r -> assertThat(r.passives()).containsExactly(passive));
            String crashing = roles.active();
            int held = activeAreasOf(world, crashing).size();
            cluster.kill(crashing);
            awaitEnded(crashing);
            advanceTo(world, 50);

            WorldStatus status = world.status();
            assertThat(status.promotions()).isEqualTo(held);
            assertThat(status.rewinds()).isEmpty();
            assertThat(world.hash()).isEqualTo(reference(50));
        }
    }

    @Test
    void crashOfAnActiveWithNoPassiveRewindsToTheLastWorldViewAndReportsTheTicksLost() {
        AtomicReference<WorldView> lastBackup = new AtomicReference<>();
        WorldConfig config = config(2, 0).withBackupInterval(5);
        try (World world = TestWorlds.create(config, SETS, WorldRuntime.cluster(cluster).withTimeout(WAIT)
                .withWorldViews(() -> Optional.ofNullable(lastBackup.get())))) {
            while (world.tick() < 12) {
                world.step(SCRIPT);
                if (world.tick() % config.backupInterval() == 0) {
                    lastBackup.set(world.snapshot());
                }
            }
            String crashing = anActivePhysicsSimulator(world);

            cluster.kill(crashing);
            awaitEnded(crashing);
            long next = world.step(SCRIPT);

            assertThat(next).isEqualTo(11);
            WorldStatus status = world.status();
            assertThat(status.rewinds()).singleElement().satisfies(rewind -> {
                assertThat(rewind.fromTick()).isEqualTo(12);
                assertThat(rewind.toTick()).isEqualTo(10);
                assertThat(rewind.reason()).contains("physics area").contains(crashing);
            });
            assertThat(status.ticksLost()).isEqualTo(2);

            advanceTo(world, 30);
            assertThat(world.hash()).isEqualTo(reference(30));
            assertThat(world.population()).isEqualTo(referenceAt(30).population());
        }
    }

    @Test
    void crashWithNoPassiveAndNoWorldViewStopsTheWorldWithAClearError() {
        try (World world = create(config(2, 0))) {
            advanceTo(world, 3);
            String crashing = anActivePhysicsSimulator(world);

            cluster.kill(crashing);
            awaitEnded(crashing);

            assertThatThrownBy(world::step)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("had no passive")
                    .hasMessageContaining("no world view to restore from");
        }
    }

    @Test
    void scaleUpMidRunSpreadsTheAreasAndScaleDownHandsThemBack() {
        try (World world = create(config(1, 1))) {
            advanceTo(world, 10);
            assertThat(TestWorlds.assignments(world)).hasSize(2);

            cluster.scale("world-physics", 3);
            awaitReadySimulators("world-physics", 3);
            advanceTo(world, 20);

            Map<String, List<Integer>> spread = TestWorlds.assignments(world);
            List<String> physics = spread.keySet().stream().filter(name -> name.startsWith("world-physics-")).toList();
            assertThat(physics).hasSize(3);
            assertThat(physics).allSatisfy(name -> assertThat(spread.get(name)).isNotEmpty());
            assertThat(world.status().moves()).isPositive();
            assertThat(world.status().areas()).filteredOn(roles -> roles.set().equals("physics"))
                    .allSatisfy(roles -> assertThat(roles.passives()).hasSize(1));
            assertThat(world.hash()).isEqualTo(reference(20));

            cluster.scale("world-physics", 1);
            awaitReadySimulators("world-physics", 1);
            advanceTo(world, 40);

            assertThat(TestWorlds.assignments(world).keySet().stream().filter(name -> name.startsWith("world-physics-")))
                    .hasSize(1);
            assertThat(world.status().rewinds()).isEmpty();
            assertThat(world.hash()).isEqualTo(reference(40));
        }
    }

    /** The view of an uninterrupted in-thread run at {@code tick}. */
    private static WorldView viewAt(long tick) {
        try (World world = TestWorlds.create(config(1, 0), SETS, 1)) {
            advanceTo(world, tick);
            return world.snapshot();
        }
    }

    @Test
    void aRestoredWorldOnTheClusterGoesOnLikeTheOriginal() {
        WorldView view = viewAt(12);
        try (World world = TestWorlds.restore(config(2, 1), SETS, WorldRuntime.cluster(cluster).withTimeout(WAIT),
                view)) {
            assertThat(world.tick()).isEqualTo(12);
            advanceTo(world, 25);
            assertThat(world.hash()).isEqualTo(reference(25));
            assertThat(world.snapshot().worldHash()).isEqualTo(reference(25));
        }
    }

    @Test
    void aViewLoadedInPlaceKeepsTheSimulatorsAndGoesOnLikeTheOriginal() {
        WorldView view = viewAt(12);
        try (World world = create(config(2, 1))) {
            advanceTo(world, 3);
            List<String> simulators = cluster.containersOf("world-physics").stream().map(Container::name).toList();

            world.load(view);

            assertThat(world.tick()).isEqualTo(12);
            assertThat(world.hash()).isEqualTo(view.worldHash());
            assertThat(cluster.containersOf("world-physics").stream().map(Container::name).toList())
                    .as("the same containers").isEqualTo(simulators);
            assertThat(world.status().areas()).allSatisfy(roles -> assertThat(roles.passives()).hasSize(1));
            advanceTo(world, 25);
            assertThat(world.hash()).isEqualTo(reference(25));
            assertThat(world.status().rewinds()).isEmpty();
        }
    }

    @Test
    void closeRemovesTheSimulatorContainers() {
        World world = create(config(2, 1));
        advanceTo(world, 2);

        world.close();

        assertThat(cluster.containersOf("world-physics")).isEmpty();
        assertThat(cluster.containersOf("world-vitality")).isEmpty();
        assertThatThrownBy(world::step).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
