package org.vvmhost.services.world.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vvmhost.services.world.TestWorlds;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.WorldViewException;
import org.vvmhost.services.world.view.WorldViewStore;
import org.vvmhost.testing.LogCapture;
import org.vvmhost.time.ManualClock;
import org.vvmhost.vvm.ElectionContext;
import org.vvmhost.vvm.ProblemKind;
import org.vvmhost.vvm.Vvm;
import org.vvmhost.vvm.VvmListener;
import org.vvmhost.vvm.VvmProblem;
import org.vvmhost.vvm.VvmSettings;
import org.vvmhost.vvm.Vvms;

class WorldSimulationServiceTest {

    private static final Duration BUDGET = Duration.ofSeconds(20);
    static final Duration PERIOD = Duration.ofMillis(50);
    /** A small world at 20 Hz with a view every 5 ticks; the commands' service test runs it too. */
    static final WorldConfig PACED = WorldConfig.parse("""
            world:
              areas: {rows: 2, cols: 2}
              entities: 2000
              tick-rate: 20
              backup-interval: 5
            """, Map.of());
    private static final WorldConfig FAST = WorldConfig.parse("""
            world:
              areas: {rows: 2, cols: 2}
              entities: 2000
              tick-rate: max
              backup-interval: 10
            """, Map.of());

    private final ManualClock clock = new ManualClock();
    private final InMemoryElection election = InMemoryElection.create(clock, LeaseSettings.defaults());
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final WorldViewLocation.InElection location =
            new WorldViewLocation.InElection("world", Duration.ofSeconds(10));

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(name -> name.startsWith("world-tick") || name.startsWith("world-backup")
                        || name.startsWith("world-view-preload"));
    }

    @Test
    void ticksOnAScheduleThatDoesNotDriftBacksUpEveryIntervalAndOnceMoreAtStop() throws Exception {
        Leader leader = lead("first");
        RecordingStore store = new RecordingStore(location.open(leader.context, clock));
        WorldSimulationService service = WorldSimulationService.create(WorldServiceSettings.of(PACED).withThreads(1),
                ComponentSetRegistry.builtIn(), context -> store, Optional.empty(), clock);

        service.start(leader.context);
        // Tick 1 is due at once; tick 2 one period later.
        await().atMost(BUDGET).until(() -> service.tick() == 1 && clock.pendingDelays().contains(PERIOD));
        clock.advance(PERIOD.minusMillis(1));
        assertThat(service.tick()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        await().atMost(BUDGET).until(() -> service.tick() == 2);

        // A loop that fell behind catches up to start + n × period, then waits for the next slot exactly.
        await().atMost(BUDGET).until(() -> clock.pendingDelays().contains(PERIOD));
        clock.advance(PERIOD.multipliedBy(10));
        await().atMost(BUDGET).until(() -> service.tick() == 12 && clock.pendingDelays().contains(PERIOD));
        assertThat(service.tickStats().ticks()).isEqualTo(12);
        assertThat(service.tickStats().lateTicks()).isPositive();

        assertThat(savedTick(store)).isEqualTo(5);
        assertThat(savedTick(store)).isEqualTo(10);
        service.stop();
        WorldView last = store.saved.poll(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(last.tick()).isEqualTo(12);
        assertThat(last.worldHash()).isEqualTo(referenceHash(PACED, 12));
        assertThat(store.saved).isEmpty();
        assertThat(service.lastBackup().map(WorldView.Header::tick)).contains(12L);
        assertThat(leader.context.failures).isEmpty();
        assertThat(location.lastBackup(leader.leadership.data(), clock).map(WorldView.Header::worldHash))
                .contains(referenceHash(PACED, 12));
    }

    @Test
    void aNewLeaderRestoresTheFinalBackupAndReachesTheSameHashAsAnUninterruptedRun() throws Exception {
        Leader first = lead("first");
        RecordingStore firstStore = new RecordingStore(location.open(first.context, clock));
        WorldSimulationService firstService = fast(firstStore, 37, Optional.empty());
        firstService.start(first.context);
        await().atMost(BUDGET).until(() -> firstService.tick() == 37);
        firstService.stop();
        assertThat(firstStore.saved).extracting(WorldView::tick).containsExactly(10L, 20L, 30L, 37L);
        for (WorldView view : firstStore.saved) {
            assertThat(view.worldHash()).as("hash at tick %d", view.tick()).isEqualTo(referenceHash(FAST,
                    view.tick()));
        }
        first.term.release().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);

        Leader second = lead("second");
        RecordingStore secondStore = new RecordingStore(location.open(second.context, clock));
        WorldSimulationService secondService = fast(secondStore, 60, Optional.empty());
        secondService.start(second.context);
        assertThat(secondStore.loads).hasValue(1);
        await().atMost(BUDGET).until(() -> secondService.tick() == 60);
        secondService.stop();
        assertThat(secondStore.saved).extracting(WorldView::tick).containsExactly(40L, 50L, 60L);
        assertThat(secondService.lastBackup().orElseThrow().worldHash()).isEqualTo(referenceHash(FAST, 60));
        assertThat(second.context.failures).isEmpty();
    }

    @Test
    void aStandbyPreloadsTheNewestViewAndTakesOverWithoutReadingTheStore() throws Exception {
        Leader first = lead("first");
        Leadership standby = join("standby");
        WorldViewPreloader preloader = preloadedAt25(first, standby);

        ElectionContext context = takeOver(first, standby);
        Term term = context.term();
        RecordingStore store = new RecordingStore(location.open(context, clock));
        WorldSimulationService takeover = fast(store, 30, Optional.of(preloader));
        takeover.start(context);

        assertThat(store.loads).hasValue(0);
        await().atMost(BUDGET).until(() -> takeover.tick() == 30);
        takeover.stop();
        assertThat(takeover.lastBackup().orElseThrow().worldHash()).isEqualTo(referenceHash(FAST, 30));
        assertThat(preloader.claim()).as("claimed once: the preloader stopped").isEmpty();
        term.release().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aNewLeaderWhoseStoreLostEveryViewRestoresItsPreloadedCopyLoudlyAndWritesItBackAtOnce() throws Exception {
        Leader first = lead("first");
        Leadership standby = join("standby");
        WorldViewPreloader preloader = preloadedAt25(first, standby);
        // etcd wiped (as far as the world views go) while the standby waits.
        first.term.write(List.of(WriteOp.deletePrefix("world/"))).get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        await().atMost(BUDGET).until(() -> preloader.stored().newest().isEmpty());

        ElectionContext context = takeOver(first, standby);
        Term term = context.term();
        RecordingStore store = new RecordingStore(location.open(context, clock));
        WorldSimulationService takeover = fast(store, 1_000_000, Optional.of(preloader));
        try (LogCapture log = new LogCapture(PacedWorldSimulation.class)) {
            takeover.start(context);
            assertThat(savedTick(store)).as("written back before the first backup interval").isEqualTo(25);
            takeover.stop();
            assertThat(log.messages(Level.ERROR)).anySatisfy(line -> assertThat(line).startsWith("no intact world "
                    + "view in leadership data 'world/' (etcd wiped, or restored from an older snapshot?); restoring "
                    + "world view v2 of tick 25").endsWith("that this replica preloaded as a standby, the only "
                    + "surviving copy, and writing it back now"));
        }
        assertThat(takeover.backups().orElseThrow().recovery()).contains("restored the view of tick 25 this replica "
                + "preloaded as a standby: the store held no intact world view");
        assertThat(context.failures).isEmpty();
        term.release().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aBackupRefusedForAStaleFencingTokenStopsTheVvmWithServiceFailed() throws Exception {
        // A leader that has since been deposed: its term's fencing token is stale.
        Leader deposed = lead("deposed");
        deposed.term.release().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);

        Leadership leadership = join("current");
        WorldSimulationService service = fast(context -> location.open(new ElectionContext(deposed.term,
                context.data()), clock), 1_000_000, Optional.empty());
        Vvm vvm = Vvms.provide(VvmSettings.defaults(), leadership, List.of(service), clock, () -> {
        }, VvmListener.NONE);
        VvmProblem problem = vvm.launch().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        vvm.shutdown();

        assertThat(problem.kind()).isEqualTo(ProblemKind.SERVICE_FAILED);
        assertThat(problem).hasMessageContaining("world-simulation").hasMessageContaining("no longer leads")
                .hasRootCauseInstanceOf(FencedWriteRejectedException.class);
        assertThat(service.tick()).as("the first backup was refused").isLessThan(1_000_000);
        assertThat(service.lastBackup()).isEmpty();
        assertThat(location.lastBackup(leadership.data(), clock)).as("nothing of the deposed writer is stored").isEmpty();
    }

    @Test
    void aLeaderStoppingBecauseItLostLeadershipWritesNoFinalBackupAndStopsCleanly() throws Exception {
        Leader leader = lead("first");
        RecordingStore store = new RecordingStore(location.open(leader.context, clock));
        WorldSimulationService service = fast(store, 15, Optional.empty());
        service.start(leader.context);
        toClose.add(service::stop);
        await().atMost(BUDGET).until(() -> service.tick() == 15);
        assertThat(savedTick(store)).isEqualTo(10);

        assertThat(election.revoke("first")).isTrue();
        assertThat(leader.term.status()).isEqualTo(Term.Status.LOST);
        service.stop();

        assertThat(store.saved).as("no final backup of tick 15 was attempted").isEmpty();
        assertThat(leader.context.failures).as("losing leadership is not a service failure").isEmpty();
        assertThat(location.lastBackup(leader.leadership.data(), clock).map(WorldView.Header::tick)).contains(10L);
    }

    @Test
    void aFencingRefusalThatAStoreThrowsUnwrappedStillStopsEveryLaterWrite() throws Exception {
        Leader leader = lead("first");
        AtomicInteger attempts = new AtomicInteger();
        WorldViewStore refusing = new WorldViewStore() {
            @Override
            public String description() {
                return "a store whose term was deposed";
            }

            @Override
            public void save(WorldView view) {
                attempts.incrementAndGet();
                throw new FencedWriteRejectedException(new FencingToken(1, 1),
                        "the term with fencing token 1:1 no longer leads");
            }

            @Override
            public LoadResult load() {
                return new LoadResult(Optional.empty(), List.of());
            }
        };
        WorldSimulationService service = fast(refusing, 35, Optional.empty());
        service.start(leader.context);
        toClose.add(service::stop);

        Throwable failure = leader.context.failures.poll(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(failure).as("the refusal is reported").isNotNull()
                .hasRootCauseInstanceOf(FencedWriteRejectedException.class);
        await().atMost(BUDGET).until(() -> service.tick() == 35);
        service.stop();

        assertThat(attempts).as("writes after the refusal (backups at 10, 20, 30 and the final one)").hasValue(1);
        assertThat(service.lastBackup()).isEmpty();
    }

    @Test
    void aGracefulStopBoundsItsFinalBackupByTheStoreTimeoutOnTheClockAndSaysWhatItDid() throws Exception {
        Leader leader = lead("first");
        CountDownLatch neverAnswers = new CountDownLatch(1);
        WorldViewStore etcd = location.open(leader.context, clock);
        RecordingStore store = new RecordingStore(new WorldViewStore() {
            @Override
            public String description() {
                return etcd.description();
            }

            @Override
            public void save(WorldView view) {
                if (view.tick() == 15) {
                    try {
                        neverAnswers.await(); // a write etcd never answers; stop interrupts it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new WorldViewException("interrupted", e);
                    }
                }
                etcd.save(view);
            }

            @Override
            public LoadResult load() {
                return etcd.load();
            }
        });
        WorldServiceSettings settings = WorldServiceSettings.of(FAST).withThreads(2).withLastTick(15);
        WorldSimulationService service = WorldSimulationService.create(settings, ComponentSetRegistry.builtIn(),
                context -> store, Optional.empty(), clock);
        service.start(leader.context);
        await().atMost(BUDGET).until(() -> service.tick() == 15);
        assertThat(savedTick(store)).isEqualTo(10);

        try (LogCapture log = new LogCapture(PacedWorldSimulation.class)) {
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
                try {
                    service.stop();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(BUDGET).until(() -> clock.pendingDelays().contains(settings.storeTimeout()));
            clock.advance(settings.storeTimeout().minusMillis(1));
            assertThat(stopped).isNotDone();
            clock.advance(Duration.ofMillis(1));

            assertThat(stopped).failsWithin(BUDGET).withThrowableOfType(ExecutionException.class)
                    .withMessageContaining("the final world view was not saved: the world view of tick 15 was not "
                            + "saved within 30s");
            assertThat(log.messages(Level.ERROR)).contains("final backup: the world view of tick 15 was not saved "
                    + "within 30s; given up, so the successor restores the last saved one (tick 10)");
        }
        assertThat(location.lastBackup(leader.leadership.data(), clock).map(WorldView.Header::tick)).contains(10L);
    }

    @Test
    void aWorldViewOfAnotherWorldFailsTheStartAndNamesWhatDiffers(@TempDir Path directory) throws Exception {
        WorldViewLocation files = WorldViewLocation.parse("file:" + directory);
        Leader leader = lead("first");
        WorldSimulationService writer = fast(context -> files.open(context, clock), 10, Optional.empty());
        writer.start(leader.context);
        await().atMost(BUDGET).until(() -> writer.tick() == 10);
        writer.stop();
        assertThat(files.lastBackup(leader.leadership.data(), clock).map(WorldView.Header::tick)).contains(10L);

        WorldSimulationService other = WorldSimulationService.create(
                WorldServiceSettings.of(FAST.withEntities(3000)).withThreads(1), ComponentSetRegistry.builtIn(),
                context -> files.open(context, clock), Optional.empty(), clock);
        assertThatThrownBy(() -> other.start(leader.context))
                .isInstanceOf(WorldViewException.class)
                .hasMessageContaining("cannot restore the world from file:")
                .hasMessageContaining("entities")
                .hasMessageContaining("move the world views away");
    }

    @Test
    void theMetersOfARegistryReadTheServiceBuiltLast() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorldSimulationService.Meters meters = WorldSimulationService.meters(registry);
        Leader leader = lead("first");
        WorldSimulationService first = metered(meters, 10);
        first.start(leader.context);
        await().atMost(BUDGET).until(() -> first.tick() == 10);
        assertThat(registry.get("vvmhost.world.tick").gauge().value()).isEqualTo(10);
        first.stop();

        WorldSimulationService second = metered(meters, 20);
        assertThat(registry.get("vvmhost.world.tick").gauge().value()).as("a service that runs no world yet").isNaN();
        second.start(leader.context);
        await().atMost(BUDGET).until(() -> second.tick() == 20);
        assertThat(registry.get("vvmhost.world.tick").gauge().value()).isEqualTo(20);
        assertThat(registry.get("vvmhost.world.tick.duration").timer().count()).as("one timer for both").isEqualTo(20);
        second.stop();
    }

    private WorldSimulationService metered(WorldSimulationService.Meters meters, long lastTick) {
        return WorldSimulationService.create(WorldServiceSettings.of(FAST).withThreads(1).withLastTick(lastTick),
                ComponentSetRegistry.builtIn(), context -> location.open(context, clock), Optional.empty(), clock,
                (context, store) -> WorldRuntime.threads(1), meters);
    }

    @Test
    void aBadWorldStoreSpecNamesTheOption() {
        assertThatThrownBy(() -> WorldViewLocation.parse("etcd:world"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--world-store: expected file:DIR");
    }

    private WorldSimulationService fast(WorldSimulationService.StoreOpener store, long lastTick,
                                        Optional<WorldViewPreloader> preloader) {
        return WorldSimulationService.create(WorldServiceSettings.of(FAST).withThreads(2).withLastTick(lastTick),
                ComponentSetRegistry.builtIn(), store, preloader, clock);
    }

    private WorldSimulationService fast(WorldViewStore store, long lastTick,
                                        Optional<WorldViewPreloader> preloader) {
        return fast(context -> store, lastTick, preloader);
    }

    private static long savedTick(RecordingStore store) throws InterruptedException {
        WorldView view = store.saved.poll(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(view).as("a saved world view").isNotNull();
        return view.tick();
    }

    static long referenceHash(WorldConfig config, long tick) {
        try (World world = TestWorlds.create(config, ComponentSetRegistry.builtIn(), 1)) {
            TestWorlds.advanceTo(world, tick);
            return world.hash();
        }
    }

    private record Leader(Leadership leadership, Term term, ElectionContext context) {
    }

    /** The standby's preloader, once it has read the view of tick 25 that {@code first} saved as its service stopped. */
    private WorldViewPreloader preloadedAt25(Leader first, Leadership standby) throws Exception {
        WorldViewPreloader preloader = WorldViewPreloader.start(standby.data(), location, clock);
        toClose.add(preloader);
        WorldSimulationService firstService = fast(location.open(first.context, clock), 25, Optional.empty());
        firstService.start(first.context);
        await().atMost(BUDGET).until(() -> firstService.tick() == 25);
        firstService.stop();
        await().atMost(BUDGET).until(() -> preloader.latest().map(WorldView::tick).orElse(-1L) == 25);
        return preloader;
    }

    /** {@code first} releases its term and {@code standby} wins the next: the context of its term. */
    private ElectionContext takeOver(Leader first, Leadership standby) throws Exception {
        var campaign = standby.campaign();
        first.term.release().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        return new ElectionContext(campaign.elected().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS), standby.data());
    }

    private Leader lead(String id) throws Exception {
        Leadership leadership = join(id);
        Term term = leadership.campaign().elected().get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        return new Leader(leadership, term, new ElectionContext(term, leadership.data()));
    }

    private Leadership join(String id) {
        Leadership leadership = election.join(new Candidate(id, "test-host", ProcessHandle.current().pid(),
                Instant.EPOCH));
        toClose.add(leadership);
        return leadership;
    }
}
