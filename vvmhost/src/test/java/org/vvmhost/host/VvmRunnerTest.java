package org.vvmhost.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipUnavailableException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.services.cluster.ClusterOptions;
import org.vvmhost.services.cluster.FunctionRegistry;
import org.vvmhost.services.cluster.InProcessClusterService;
import org.vvmhost.services.world.ComponentSetRegistry;
import org.vvmhost.services.world.WorldConfig;
import org.vvmhost.services.world.service.WorldServiceSettings;
import org.vvmhost.services.world.service.WorldSimulationService;
import org.vvmhost.services.world.World;
import org.vvmhost.services.world.WorldFactory;
import org.vvmhost.services.world.WorldRuntime;
import org.vvmhost.services.world.WorldView;
import org.vvmhost.services.world.service.HotStandby;
import org.vvmhost.services.world.service.Preflight;
import org.vvmhost.services.world.service.WorldViewPreloader;
import org.vvmhost.testing.ForwardingLeadership;
import org.vvmhost.services.world.service.WorldViewPreloader.StoredWorld;
import org.vvmhost.time.ManualClock;
import org.vvmhost.vvm.Service;
import org.vvmhost.vvm.ServiceContext;
import org.vvmhost.vvm.Vvm;
import org.vvmhost.vvm.VvmListener;
import org.vvmhost.vvm.VvmSettings;
import org.vvmhost.vvm.Vvms;

/**
 * The runner with real VVMs on the in-memory election and a manual clock: each way of ending, its exit code, and a
 * relaunch that gives the term up and campaigns again with a new VVM.
 */
class VvmRunnerTest {

    private static final Duration BUDGET = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final InMemoryElection election = InMemoryElection.create(clock, LeaseSettings.defaults());
    private final AtomicInteger halts = new AtomicInteger();
    private final List<Leadership> leaderships = new ArrayList<>();
    private final List<Thread> runners = new ArrayList<>();
    /** Candidates that campaigned, in order. */
    private final List<String> campaigns = new CopyOnWriteArrayList<>();
    /** Candidates whose services started, in order. */
    private final List<String> leaders = new CopyOnWriteArrayList<>();
    private final ReplicaStatus status = new ReplicaStatus(clock, "runner", new SimpleMeterRegistry());
    /** The campaign gate's read of the store: it answers, unless a test says otherwise. */
    private CampaignGate.Probe probe = () -> CompletableFuture.completedFuture(null);
    private static final WorldConfig SEED_7 = WorldConfig.defaults().withEntities(100).withSeed(7);

    @AfterEach
    void closeEverything() throws InterruptedException {
        for (Thread runner : runners) {
            runner.join(BUDGET.toMillis());
            assertThat(runner.isAlive()).as("runner thread %s", runner.getName()).isFalse();
        }
        leaderships.forEach(Leadership::close);
    }

    @Test
    void aStopRequestShutsDownGracefully() throws Exception {
        CompletableFuture<String> stop = new CompletableFuture<>();
        CompletableFuture<ExitCode> exit = run(vvm("a", VvmSettings.defaults(), List.of()), stop);
        awaitLeader("a");

        stop.complete("SIGTERM");

        assertThat(exit.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.GRACEFUL);
        assertThat(halts).hasValue(0);
    }

    @Test
    void aServiceFailingWhileRunningEndsWithTheServiceFailureCode() throws Exception {
        CompletableFuture<ServiceContext> running = new CompletableFuture<>();
        CompletableFuture<ExitCode> exit = run(vvm("a", VvmSettings.defaults(), List.of(service("sim", running))),
                new CompletableFuture<>());

        running.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS).reportFailure(new IllegalStateException("tick failed"));

        assertThat(exit.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.SERVICE_FAILED);
    }

    @Test
    void aServiceFailingToStartEndsWithTheServiceFailureCode() throws Exception {
        Service broken = new Service() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void start(ServiceContext context) {
                throw new IllegalStateException("cannot bind");
            }

            @Override
            public void stop() {
            }
        };
        CompletableFuture<ExitCode> exit = run(vvm("a", VvmSettings.defaults(), List.of(broken)),
                new CompletableFuture<>());

        assertThat(exit.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.SERVICE_FAILED);
    }

    @Test
    void noLeadershipWithinTheAcquireTimeoutIsAStartupFailure() throws Exception {
        CompletableFuture<String> stopLeader = new CompletableFuture<>();
        CompletableFuture<ExitCode> leader = run(vvm("a", VvmSettings.defaults(), List.of()), stopLeader);
        awaitLeader("a");
        Duration acquireTimeout = Duration.ofSeconds(5);
        CompletableFuture<ExitCode> standby = run(
                vvm("b", new VvmSettings(Optional.of(acquireTimeout), VvmSettings.DEFAULT_KILL_DELAY), List.of()),
                new CompletableFuture<>());
        await().atMost(BUDGET).until(() -> clock.pendingDelays().contains(acquireTimeout));

        clock.advance(acquireTimeout);

        assertThat(standby.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.STARTUP_FAILED);
        stopLeader.complete("SIGTERM");
        assertThat(leader.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.GRACEFUL);
    }

    @Test
    void aRevokedLeaseEndsWithTheLeadershipLostCode() throws Exception {
        CompletableFuture<ExitCode> exit = run(vvm("a", VvmSettings.defaults(), List.of()), new CompletableFuture<>());
        awaitLeader("a");

        assertThat(election.revoke("a")).isTrue();

        assertThat(exit.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.LEADERSHIP_LOST);
        assertThat(halts).as("the killer waits for the kill delay, which the manual clock never reaches").hasValue(0);
    }

    @Test
    void aRelaunchGivesTheTermUpAndANewVvmCampaignsAgainOverTheSameLeadership() throws Exception {
        Leadership a = election.join(new Candidate("a", "test-host", 1, Instant.EPOCH));
        leaderships.add(a);
        List<CompletableFuture<ServiceContext>> terms = new CopyOnWriteArrayList<>();
        ReplicaStatus statusA = new ReplicaStatus(clock, "a", new SimpleMeterRegistry());
        VvmRunner runnerA = runner(() -> {
            CompletableFuture<ServiceContext> running = new CompletableFuture<>();
            terms.add(running);
            return Vvms.provide(VvmSettings.defaults(), a, List.of(service("sim", running)), clock,
                    halts::incrementAndGet, new CompositeListener(statusA, listener("a")));
        }, statusA);
        CompletableFuture<String> stopA = new CompletableFuture<>();
        CompletableFuture<ExitCode> exitA = run(runnerA, stopA);
        awaitLeader("a");
        CompletableFuture<String> stopB = new CompletableFuture<>();
        Leadership b = new CampaignsCounted(election.join(new Candidate("b", "test-host", 2, Instant.EPOCH)));
        leaderships.add(b);
        CompletableFuture<ExitCode> exitB = run(Vvms.provide(VvmSettings.defaults(), b, List.of(), clock,
                halts::incrementAndGet, listener("b")), stopB);
        await().atMost(BUDGET).until(() -> campaigns.contains("b"));

        CompletableFuture<Void> relaunched = runnerA.relaunch("switchover");
        assertThat(runnerA.relaunch("again")).as("one relaunch at a time").isCompletedExceptionally();
        relaunched.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);

        awaitLeader("b");
        await().atMost(BUDGET).until(() -> terms.size() == 2);
        assertThat(terms.get(0).join().term().status()).isEqualTo(Term.Status.RELEASED);
        assertThat(terms.get(1)).as("a's new VVM waits as a standby").isNotDone();
        await().atMost(BUDGET).until(() -> statusA.current().phase() == ReplicaState.Phase.CAMPAIGNING);
        assertThat(statusA.current().history()).singleElement()
                .satisfies(tenure -> assertThat(tenure.end()).contains("released"));
        stopB.complete("SIGTERM");
        assertThat(exitB.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.GRACEFUL);
        ServiceContext second = terms.get(1).get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(second.term().fencingToken()).isGreaterThan(terms.get(0).join().term().fencingToken());
        assertThat(exitA).isNotDone();
        await().atMost(BUDGET).until(() -> statusA.current().phase() == ReplicaState.Phase.SERVING);
        assertThat(statusA.current().history()).as("the new term heads the history, the old one ended")
                .extracting(ReplicaState.Tenure::end).containsExactly(Optional.empty(), Optional.of("released"));
        stopA.complete("SIGTERM");
        assertThat(exitA.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.GRACEFUL);
        assertThat(leaders).containsExactly("a", "b", "a");
    }

    @Test
    void aStopDuringARelaunchEndsTheRunGracefully() throws Exception {
        CompletableFuture<String> stop = new CompletableFuture<>();
        Leadership a = election.join(new Candidate("a", "test-host", 1, Instant.EPOCH));
        leaderships.add(a);
        AtomicInteger built = new AtomicInteger();
        CompletableFuture<Void> stopping = new CompletableFuture<>();
        Service slow = new Service() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public void start(ServiceContext context) {
            }

            @Override
            public void stop() {
                // The stop request arrives while the VVM shuts down for the relaunch.
                stop.complete("SIGTERM");
                stopping.complete(null);
            }
        };
        VvmRunner runner = runner(() -> {
            built.incrementAndGet();
            return Vvms.provide(VvmSettings.defaults(), a, List.of(slow), clock, halts::incrementAndGet,
                    listener("a"));
        });
        CompletableFuture<ExitCode> exit = run(runner, stop);
        awaitLeader("a");

        runner.relaunch("switchover").get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(exit.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.GRACEFUL);
        assertThat(stopping).isDone();
        assertThat(built).as("no VVM after the stop").hasValue(1);
    }

    /** Tells two listeners, in order. */
    private record CompositeListener(VvmListener first, VvmListener second) implements VvmListener {
        @Override
        public void leadershipAcquired(Term term) {
            first.leadershipAcquired(term);
            second.leadershipAcquired(term);
        }

        @Override
        public void servicesStarted() {
            first.servicesStarted();
            second.servicesStarted();
        }

        @Override
        public void leadershipReleased(Term term) {
            first.leadershipReleased(term);
            second.leadershipReleased(term);
        }

        @Override
        public void leadershipLost(Term term, Throwable reason) {
            first.leadershipLost(term, reason);
            second.leadershipLost(term, reason);
        }
    }

    @Test
    void aReplicaWhoseConfigDoesNotMatchTheStoredWorldWaitsNotReadyWithoutCampaigningUntilItMatches()
            throws Exception {
        StoredWorldStub stored = new StoredWorldStub();
        Leadership b = new CampaignsCounted(election.join(new Candidate("b", "test-host", 2, Instant.EPOCH)));
        leaderships.add(b);
        CompletableFuture<String> stop = new CompletableFuture<>();
        CompletableFuture<ExitCode> exit = run(runner(() -> Vvms.provide(VvmSettings.defaults(), b, List.of(), clock,
                halts::incrementAndGet, listener("b")), Optional.of(stored), false), stop);
        await().atMost(BUDGET).until(() -> status.held().isPresent());
        assertThat(status.held()).contains("reading the stored world before campaigning");

        stored.set(header(42, 40));
        await().atMost(BUDGET).until(() -> status.held().orElse("").contains("world.seed"));
        assertThat(status.held().orElseThrow()).startsWith("not campaigning: world.seed: the stored world (the world "
                + "view of tick 40 in the test's store) has world.seed 42, this replica's config has 7");
        assertThat(Probes.evaluate(status.current(), new Probes.World(Optional.empty(), -1, Optional.of(true), 1,
                status.held())).ready().ok()).isFalse();
        stored.set(header(42, 60));
        assertThat(campaigns).as("a new view of the same other world: still held").isEmpty();

        stored.set(header(7, 60));
        awaitLeader("b");
        assertThat(campaigns).containsExactly("b");
        assertThat(status.held()).isEmpty();
        stop.complete("SIGTERM");
        assertThat(exit.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.GRACEFUL);
    }

    @Test
    void aCampaigningReplicaWhoseStoredWorldStopsMatchingWithdrawsAndWaitsAgain() throws Exception {
        CompletableFuture<String> stopLeader = new CompletableFuture<>();
        CompletableFuture<ExitCode> leader = run(vvm("a", VvmSettings.defaults(), List.of()), stopLeader);
        awaitLeader("a");
        StoredWorldStub stored = new StoredWorldStub();
        stored.set(header(7, 20));
        Leadership b = new CampaignsCounted(election.join(new Candidate("b", "test-host", 2, Instant.EPOCH)));
        leaderships.add(b);
        AtomicInteger built = new AtomicInteger();
        CompletableFuture<String> stop = new CompletableFuture<>();
        CompletableFuture<ExitCode> exit = run(runner(() -> {
            built.incrementAndGet();
            return Vvms.provide(VvmSettings.defaults(), b, List.of(), clock, halts::incrementAndGet, listener("b"));
        }, Optional.of(stored), false), stop);
        await().atMost(BUDGET).until(() -> campaigns.contains("b"));

        stored.set(header(42, 40));

        await().atMost(BUDGET).until(() -> status.held().orElse("").contains("world.seed"));
        stopLeader.complete("SIGTERM");
        assertThat(leader.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.GRACEFUL);
        assertThat(built).as("no new VVM while held").hasValue(1);

        stored.set(header(7, 60));
        awaitLeader("b");
        assertThat(campaigns).as("withdrawn, then campaigning again only once it matched").containsExactly("b", "b");
        assertThat(built).hasValue(2);
        stop.complete("SIGTERM");
        assertThat(exit.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.GRACEFUL);
    }

    @Test
    void failOnMismatchExitsWithTheUsageCodeWithoutCampaigning() throws Exception {
        StoredWorldStub stored = new StoredWorldStub();
        stored.set(header(42, 40));
        AtomicInteger built = new AtomicInteger();

        CompletableFuture<ExitCode> exit = run(runner(() -> {
            built.incrementAndGet();
            throw new AssertionError("no VVM may be built for a refused replica");
        }, Optional.of(stored), true), new CompletableFuture<>());

        assertThat(exit.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.USAGE);
        assertThat(built).hasValue(0);
        assertThat(campaigns).isEmpty();
    }

    @Test
    void aReplicaHeldAtTheGatePastTheAcquireTimeoutIsAStartupFailure() throws Exception {
        StoredWorldStub stored = new StoredWorldStub();
        stored.set(header(42, 40));
        Duration acquireTimeout = Duration.ofSeconds(5);
        CompletableFuture<ExitCode> exit = run(runner(() -> {
            throw new AssertionError("no VVM may be built for a held replica");
        }, Optional.of(stored), false, Optional.of(acquireTimeout)), new CompletableFuture<>());
        await().atMost(BUDGET).until(() -> clock.pendingDelays().contains(acquireTimeout)
                && status.held().isPresent());

        clock.advance(acquireTimeout);

        assertThat(exit.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.STARTUP_FAILED);
        assertThat(campaigns).isEmpty();
    }

    @Test
    void aStoreThatRefusesAccessWhileTheGateWaitsEndsTheRunWithTheAccessCode() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        probe = () -> reads.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new LeadershipUnavailableException("etcd unavailable", null))
                : CompletableFuture.failedFuture(new LeadershipAccessException("etcd refused the credentials", null));
        CompletableFuture<ExitCode> exit = run(runner(() -> {
            throw new AssertionError("no VVM may be built for a refused replica");
        }, Optional.of(new StoredWorldStub()), false), new CompletableFuture<>());
        await().atMost(BUDGET).until(() -> clock.pendingDelays().contains(CampaignGate.PROBE_RETRY));
        assertThat(exit).as("etcd did not answer: the gate waits").isNotDone();

        clock.advance(CampaignGate.PROBE_RETRY);

        assertThat(exit.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(ExitCode.ACCESS_DENIED);
        assertThat(reads).hasValue(2);
    }

    @Test
    void theGateDecidesFromWhatTheStoreHolds() {
        java.util.function.Function<WorldView.Header, Optional<Preflight.Finding>> compare = header ->
                Preflight.compare(SEED_7, ComponentSetRegistry.builtIn(), header, "store", "clear it");

        assertThat(CampaignGate.decide(StoredWorld.UNREAD, compare)).isInstanceOf(CampaignGate.Wait.class);
        assertThat(CampaignGate.decide(StoredWorld.EMPTY, compare))
                .isEqualTo(new CampaignGate.Open("no world view is stored"));
        assertThat(CampaignGate.decide(new StoredWorld(true, Optional.empty(), Optional.of("manifest garbage"),
                List.of()), compare)).as("nothing intact stored: a new leader starts afresh, and says what was lost")
                .isEqualTo(new CampaignGate.Open("no world view is stored"));
        assertThat(CampaignGate.decide(stored(header(7, 3)), compare))
                .isEqualTo(new CampaignGate.Open("the stored world (tick 3) is this config's"));
        assertThat(CampaignGate.decide(stored(header(42, 3)), compare)).isInstanceOfSatisfying(
                CampaignGate.Hold.class, hold -> assertThat(hold.finding().field()).isEqualTo("world.seed"));
    }

    private static StoredWorld stored(WorldView.Header header) {
        return new StoredWorld(true, Optional.of(header), Optional.empty(), List.of());
    }

    private static WorldView.Header header(long seed, long tick) {
        WorldConfig config = SEED_7.withSeed(seed);
        try (World world = WorldFactory.of(ComponentSetRegistry.builtIn(), WorldRuntime.threads(1)).create(config)) {
            for (long t = 0; t < tick; t++) {
                world.step();
            }
            return world.snapshot().header();
        }
    }

    /** What a standby's preloader would have read: set by the test, announced to the gate. */
    private static final class StoredWorldStub implements WorldViewPreloader {
        private StoredWorld stored = StoredWorld.UNREAD;
        private CompletableFuture<Void> changed = new CompletableFuture<>();

        void set(WorldView.Header header) {
            CompletableFuture<Void> toComplete;
            synchronized (this) {
                stored = VvmRunnerTest.stored(header);
                toComplete = changed;
                changed = new CompletableFuture<>();
            }
            toComplete.complete(null);
        }

        @Override
        public synchronized StoredWorld stored() {
            return stored;
        }

        @Override
        public synchronized CompletableFuture<Void> changedSince(StoredWorld seen) {
            return seen != stored ? CompletableFuture.completedFuture(null) : changed.copy();
        }

        @Override
        public Optional<WorldView> latest() {
            return Optional.empty();
        }

        @Override
        public boolean caughtUp() {
            return true;
        }

        @Override
        public Optional<WorldView> claim() {
            return Optional.empty();
        }

        @Override
        public void close() {
            // Shared by the VVMs of one test.
        }
    }

    /** Notes each campaign in {@link #campaigns}, so that a test knows a candidate is in line. */
    private final class CampaignsCounted extends ForwardingLeadership {

        CampaignsCounted(Leadership delegate) {
            super(delegate);
        }

        @Override
        public Campaign campaign() {
            Campaign campaign = super.campaign();
            campaigns.add(candidate().id());
            return campaign;
        }
    }

    private void awaitLeader(String id) {
        await().atMost(BUDGET).until(() -> leaders.contains(id));
    }

    private Vvm vvm(String id, VvmSettings settings, List<Service> services) {
        Leadership leadership = election.join(new Candidate(id, "test-host", 1, Instant.EPOCH));
        leaderships.add(leadership);
        return Vvms.provide(settings, leadership, services, clock, halts::incrementAndGet, listener(id));
    }

    private VvmListener listener(String id) {
        return new VvmListener() {
            @Override
            public void servicesStarted() {
                leaders.add(id);
            }
        };
    }

    private CompletableFuture<ExitCode> run(Vvm vvm, CompletableFuture<String> stopRequested) {
        return run(runner(() -> vvm), stopRequested);
    }

    private CompletableFuture<ExitCode> run(VvmRunner runner, CompletableFuture<String> stopRequested) {
        CompletableFuture<ExitCode> exit = new CompletableFuture<>();
        Thread thread = new Thread(() -> exit.complete(runner.run(stopRequested)), "test-runner-" + runners.size());
        runners.add(thread);
        thread.start();
        return exit;
    }

    /** A runner that builds each VVM with {@code vvms}, and nothing else: no world, no preloader. */
    private VvmRunner runner(Supplier<Vvm> vvms) {
        return runner(vvms, status);
    }

    private VvmRunner runner(Supplier<Vvm> vvms, ReplicaStatus status) {
        return runner(vvms, status, Optional.empty(), false, Optional.empty());
    }

    private VvmRunner runner(Supplier<Vvm> vvms, Optional<WorldViewPreloader> preloader, boolean failOnMismatch) {
        return runner(vvms, preloader, failOnMismatch, Optional.empty());
    }

    private VvmRunner runner(Supplier<Vvm> vvms, Optional<WorldViewPreloader> preloader, boolean failOnMismatch,
                             Optional<Duration> acquireTimeout) {
        return runner(vvms, status, preloader, failOnMismatch, acquireTimeout);
    }

    /** A runner whose campaign gate compares what {@code preloader} read with a world of seed 7. */
    private VvmRunner runner(Supplier<Vvm> vvms, ReplicaStatus status, Optional<WorldViewPreloader> preloader,
                             boolean failOnMismatch, Optional<Duration> acquireTimeout) {
        Observed nothing = new Observed(WorldSimulationService.create(WorldServiceSettings.of(WorldConfig.defaults()),
                ComponentSetRegistry.builtIn(), context -> {
                    throw new IllegalStateException("this test runs no world");
                }, Optional.empty(), clock), Optional.empty(), Optional.empty(), InProcessClusterService.create(
                () -> ClusterOptions.threaded(clock), FunctionRegistry.create()), 1);
        VvmComponent.Factory factory = () -> new VvmComponent() {
            @Override
            public Optional<WorldViewPreloader> preloader() {
                return preloader;
            }

            @Override
            public Optional<HotStandby> hotStandby() {
                return Optional.empty();
            }

            @Override
            public Observed observed() {
                return nothing;
            }

            @Override
            public Vvm vvm() {
                return vvms.get();
            }
        };
        CampaignGate gate = new CampaignGate(header -> Preflight.compare(SEED_7, ComponentSetRegistry.builtIn(),
                header, "the test's store", "clear it"), failOnMismatch, acquireTimeout, () -> StoredWorld.EMPTY,
                probe, status, clock);
        return new VvmRunner(factory, status, gate);
    }

    private static Service service(String name, CompletableFuture<ServiceContext> running) {
        return new Service() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start(ServiceContext context) {
                running.complete(context);
            }

            @Override
            public void stop() {
            }
        };
    }
}
