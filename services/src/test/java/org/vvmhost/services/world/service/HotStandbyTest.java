package org.vvmhost.services.world.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.services.cluster.Cluster;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.world.ComponentSchema;
import org.vvmhost.services.world.ComponentSet;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.Columns;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.services.world.TickContext;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.service.WarmWorld.State;
import org.vvmhost.services.world.service.WarmWorld.Step;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.ManualClock;
import org.vvmhost.time.SystemClock;

/**
 * The hot standby over a preloader the test drives: it keeps a world at the newest view read (fresh while none is
 * stored), hands over its cluster and then its world at the view asked for, and closes what is not taken. Its retries
 * run on a manual clock; each test waits for the standby to have dealt with a read, never for time to pass.
 */
class HotStandbyTest {

    private static final ComponentSetRegistry SETS = ComponentSetRegistry.builtIn();
    private static final WorldConfig CONFIG = WorldConfig.defaults().withEntities(1500).withAreas(2, 2);
    private static final Map<Long, WorldView> VIEWS = new HashMap<>();

    private final TestTiming timing = TestTiming.current();
    private final ManualClock clock = new ManualClock();
    private final FakePreloader preloader = new FakePreloader();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        assertThat(Thread.getAllStackTraces().keySet()).as("the standby's thread is joined")
                .noneMatch(thread -> thread.getName().equals("world-warm"));
    }

    /** The view of an uninterrupted run at {@code tick}. */
    private static synchronized WorldView viewAt(long tick) {
        return VIEWS.computeIfAbsent(tick, t -> {
            try (World world = TestWorlds.create(CONFIG, SETS, 1)) {
                TestWorlds.advanceTo(world, t);
                return world.snapshot();
            }
        });
    }

    private HotStandby start(WorldRuntime runtime) {
        return start(CONFIG, SETS, runtime);
    }

    private HotStandby start(WorldConfig config, ComponentSetRegistry sets, WorldRuntime runtime) {
        HotStandby hot = HotStandby.start(preloader, config, sets, () -> runtime, clock);
        opened.add(hot);
        return hot;
    }

    private <T extends AutoCloseable> T closedLater(T resource) {
        opened.add(resource);
        return resource;
    }

    /**
     * {@code world} is at {@code tick} and reaches the uninterrupted run's hash five ticks later (also after the standby
     * that handed it over has closed).
     */
    private static void assertGoesOnLikeTheReference(World world, long tick) {
        assertThat(world.tick()).isEqualTo(tick);
        TestWorlds.advanceTo(world, tick + 5);
        assertThat(world.hash()).isEqualTo(viewAt(tick + 5).worldHash());
    }

    /** A read, once the standby has dealt with it. */
    private void read(Optional<WorldView> view) {
        preloader.read(view);
        await().atMost(timing.eventBudget()).until(preloader::waitedOnLastRead);
    }

    @Test
    void theWorldGoesToTheNewestViewReadOrIsFreshWhenNoneIsStored() {
        WorldView.Header ten = viewAt(10).header();
        WorldView.Header twenty = viewAt(20).header();
        State none = State.NONE;
        State fresh = new State(true, Optional.empty(), Optional.empty());
        State atTen = new State(true, Optional.of(ten), Optional.empty());
        WorldViewPreloader.StoredWorld read = WorldViewPreloader.StoredWorld.EMPTY;
        WorldViewPreloader.StoredWorld unread = WorldViewPreloader.StoredWorld.UNREAD;

        assertThat(WarmWorld.next(none, unread, Optional.empty())).as("nothing known yet").isEqualTo(Step.WAIT);
        assertThat(WarmWorld.next(none, read, Optional.empty())).isEqualTo(Step.SPAWN);
        assertThat(WarmWorld.next(fresh, read, Optional.empty())).isEqualTo(Step.WAIT);
        assertThat(WarmWorld.next(none, read, Optional.of(ten))).isEqualTo(Step.LOAD);
        assertThat(WarmWorld.next(fresh, read, Optional.of(ten))).isEqualTo(Step.LOAD);
        assertThat(WarmWorld.next(atTen, read, Optional.of(ten))).isEqualTo(Step.WAIT);
        assertThat(WarmWorld.next(atTen, read, Optional.of(twenty))).isEqualTo(Step.LOAD);
        assertThat(WarmWorld.next(atTen, read, Optional.empty())).as("the store lost it: keep it").isEqualTo(Step.WAIT);
        assertThat(WarmWorld.next(new State(true, Optional.of(ten), Optional.of(twenty)), read, Optional.of(twenty)))
                .as("refused once, not tried again").isEqualTo(Step.WAIT);
    }

    @Test
    void withNothingStoredAFreshWorldIsKeptAndHandedOverAsItIs() {
        HotStandby hot = start(WorldRuntime.threads(2));
        read(Optional.empty());
        assertThat(hot.warm()).isTrue();

        World world = closedLater(hot.takeWorld(Optional.empty()).orElseThrow());
        hot.close();

        assertGoesOnLikeTheReference(world, 0);
    }

    @Test
    void nothingIsBuiltBeforeTheFirstReadAnswers() {
        HotStandby hot = start(WorldRuntime.threads(1));
        await().atMost(timing.eventBudget()).until(preloader::waitedOnLastRead);

        assertThat(hot.warm()).isFalse();
        assertThat(hot.takeWorld(Optional.of(viewAt(10)))).isEmpty();
    }

    @Test
    void itFollowsEveryNewerViewAndHandsOverTheWorldAtTheViewAskedFor() {
        HotStandby hot = start(WorldRuntime.threads(1));
        read(Optional.empty());
        read(Optional.of(viewAt(10)));
        read(Optional.of(viewAt(20)));

        // The final view of a leader that has just stopped, not read yet.
        World world = closedLater(hot.takeWorld(Optional.of(viewAt(30))).orElseThrow());

        assertThat(world.hash()).isEqualTo(viewAt(30).worldHash());
        assertGoesOnLikeTheReference(world, 30);
        assertThat(hot.takeWorld(Optional.of(viewAt(40)))).as("handed over once").isEmpty();
    }

    @Test
    void theWorldAtTheViewAskedForIsHandedOverAsItIs() {
        HotStandby hot = start(WorldRuntime.threads(1));
        read(Optional.of(viewAt(20)));

        World world = closedLater(hot.takeWorld(Optional.of(viewAt(20))).orElseThrow());

        assertGoesOnLikeTheReference(world, 20);
    }

    @Test
    void aViewIsRehearsedOnceItHasBeenTheNewestForASecondAndTheWorldStaysAtIt() {
        HotStandby hot = start(WorldRuntime.threads(1));
        read(Optional.of(viewAt(10)));
        int waits = preloader.waits();

        clock.advance(WarmWorld.REHEARSAL_DELAY.minusMillis(1));
        assertThat(preloader.waits()).as("nothing before the second is up").isEqualTo(waits);
        clock.advance(Duration.ofMillis(1));
        await().atMost(timing.eventBudget()).until(() -> preloader.waits() > waits);

        assertGoesOnLikeTheReference(closedLater(hot.takeWorld(Optional.of(viewAt(10))).orElseThrow()), 10);
    }

    @Test
    void aFreshWorldIsNotAskedOfOneThatHoldsAView() {
        HotStandby hot = start(WorldRuntime.threads(1));
        read(Optional.of(viewAt(10)));

        assertThat(hot.takeWorld(Optional.empty())).isEmpty();
        assertThat(hot.warm()).as("the warm world was closed").isFalse();
    }

    @Test
    void aViewOfAnotherWorldIsRefusedAndTheWarmWorldStaysAsItWas() {
        HotStandby hot = start(WorldRuntime.threads(1));
        read(Optional.empty());
        WorldView foreign;
        try (World other = TestWorlds.create(CONFIG.withSeed(99), SETS, 1)) {
            foreign = other.snapshot();
        }

        read(Optional.of(foreign));

        assertThat(hot.warm()).isTrue();
        World world = closedLater(hot.takeWorld(Optional.empty()).orElseThrow());
        assertThat(world.hash()).as("still the fresh world of this config").isEqualTo(viewAt(0).worldHash());
    }

    @Test
    void aWorldThatCannotBeBuiltIsTriedAgainASecondLaterOnTheClock() {
        AtomicInteger failures = new AtomicInteger(1);
        ComponentSetRegistry sets = SETS.with(new FailingSet(failures));
        WorldConfig config = CONFIG.withComponentSets(Map.of("physics", new WorldConfig.SetConfig(1),
                "failing", new WorldConfig.SetConfig(1)));
        HotStandby hot = start(config, sets, WorldRuntime.threads(1));
        read(Optional.empty());
        assertThat(hot.warm()).as("the spawn failed").isFalse();
        int waits = preloader.waits();

        clock.advance(WarmWorld.RETRY.minusMillis(1));
        assertThat(preloader.waits()).as("no retry before the second is up").isEqualTo(waits);
        clock.advance(Duration.ofMillis(1));

        await().atMost(timing.eventBudget()).until(() -> preloader.waits() > waits);
        assertThat(hot.warm()).isTrue();
        assertThat(failures.get()).isZero();
    }

    @Test
    void onAClusterItHandsOverTheClusterThenTheWorldAndKeepsNothingOfEither() {
        Cluster cluster = cluster();
        HotStandby hot = start(WorldRuntime.cluster(cluster));
        read(Optional.of(viewAt(10)));

        assertThat(hot.takeCluster()).containsSame(cluster);
        assertThat(hot.takeCluster()).as("taken once").isEmpty();
        closedLater(cluster);
        World world = closedLater(hot.takeWorld(Optional.of(viewAt(10))).orElseThrow());
        hot.close();

        assertThat(cluster.containersOf("world-physics")).as("the simulators run on").isNotEmpty();
        assertGoesOnLikeTheReference(world, 10);
    }

    @Test
    void aWorldWhoseClusterWasNotTakenIsNotHandedOverAndCloseStopsTheCluster() {
        long controllers = controllerThreads();
        Cluster cluster = cluster();
        HotStandby hot = start(WorldRuntime.cluster(cluster));
        read(Optional.empty());
        assertThat(controllerThreads()).isEqualTo(controllers + 1);

        assertThat(hot.takeWorld(Optional.empty())).isEmpty();
        assertThat(cluster.containersOf("world-physics")).as("the warm world was closed").isEmpty();
        hot.close();

        assertThat(controllerThreads()).as("the cluster was closed").isEqualTo(controllers);
    }

    private static long controllerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("cluster-container-controller") && thread.isAlive()).count();
    }

    @Test
    void aClusterClosedByTheOneWhoTookItLeavesTheStandbyNothingToWaitFor() {
        Cluster cluster = cluster();
        HotStandby hot = start(WorldRuntime.cluster(cluster));
        read(Optional.of(viewAt(10)));
        hot.takeCluster().orElseThrow().close();

        // A pipeline stopped between its cluster and its world: the world was never taken.
        assertThat(CompletableFuture.runAsync(hot::close)).succeedsWithin(timing.eventBudget());
    }

    /**
     * A cluster for a warm world; a short grace period, because a simulator stopped under a world that no coordinator
     * drives waits for its hand-over until the grace runs out.
     */
    private Cluster cluster() {
        SystemClock clusterClock = closedLater(SystemClock.create("hot-standby-test-cluster"));
        return Cluster.start(ClusterOptions.threaded(clusterClock).withStopGracePeriod(Duration.ofMillis(100)),
                FunctionRegistry.create());
    }

    /** A component set whose spawn fails as many times as {@code failures} says, then works. */
    private record FailingSet(AtomicInteger failures) implements ComponentSet {
        @Override
        public String name() {
            return "failing";
        }

        @Override
        public ComponentSchema schema() {
            return new ComponentSchema(List.of(), List.of("n"));
        }

        @Override
        public void spawn(Spawn spawn, Columns columns, int row) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("the spawn failed");
            }
        }

        @Override
        public void tick(TickContext context, Columns columns) {
        }
    }
}
