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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.time.ManualClock;
import org.vvmhost.vvm.Service;
import org.vvmhost.vvm.ServiceContext;
import org.vvmhost.vvm.Vvm;
import org.vvmhost.vvm.VvmListener;
import org.vvmhost.vvm.VvmSettings;
import org.vvmhost.vvm.Vvms;

/** The runner with a real VVM on the in-memory election and a manual clock: each way of ending, its exit code. */
class VvmRunnerTest {

    private static final Duration BUDGET = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final InMemoryElection election = InMemoryElection.create(clock, LeaseSettings.defaults());
    private final AtomicInteger halts = new AtomicInteger();
    private final List<Leadership> leaderships = new ArrayList<>();
    private final List<Thread> runners = new ArrayList<>();
    /** Candidates whose services started, in order. */
    private final List<String> leaders = new CopyOnWriteArrayList<>();

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

    private void awaitLeader(String id) {
        await().atMost(BUDGET).until(() -> leaders.contains(id));
    }

    private Vvm vvm(String id, VvmSettings settings, List<Service> services) {
        Leadership leadership = election.join(new Candidate(id, "test-host", 1, Instant.EPOCH));
        leaderships.add(leadership);
        VvmListener listener = new VvmListener() {
            @Override
            public void servicesStarted() {
                leaders.add(id);
            }
        };
        return Vvms.provide(settings, leadership, services, clock, halts::incrementAndGet, listener);
    }

    private CompletableFuture<ExitCode> run(Vvm vvm, CompletableFuture<String> stopRequested) {
        CompletableFuture<ExitCode> exit = new CompletableFuture<>();
        Thread runner = new Thread(() -> exit.complete(new VvmRunner(vvm, new ReplicaStatus(clock, "runner", new SimpleMeterRegistry())).run(stopRequested)),
                "test-runner-" + runners.size());
        runners.add(runner);
        runner.start();
        return exit;
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
