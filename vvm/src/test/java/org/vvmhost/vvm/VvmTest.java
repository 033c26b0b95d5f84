package org.vvmhost.vvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.vvmhost.vvm.VvmFixture.TIMEOUT;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.vvm.VvmFixture.RecordingService;

class VvmTest {

    private final VvmFixture fixture = new VvmFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void startsLeadsRunsServicesAndStopsInOrder() {
        Vvm vvm = fixture.vvm("a", fixture.new RecordingService("s1"), fixture.new RecordingService("s2"));
        assertThat(vvm.state()).isEqualTo(Vvm.State.PROVIDED);

        CompletableFuture<VvmProblem> problem = vvm.launch();
        assertThat(fixture.next(4)).containsExactly("a:acquired", "s1:start", "s2:start", "a:services started");
        assertThat(vvm.state()).isEqualTo(Vvm.State.LAUNCHED);

        assertThat(vvm.shutdown()).isEmpty();

        assertThat(fixture.next(3)).containsExactly("s2:stop", "s1:stop", "a:released");
        assertThat(vvm.state()).isEqualTo(Vvm.State.SHUT_DOWN);
        assertThat(vvm.shutdowned()).isCompleted();
        assertThat(problem).isNotDone();
        assertThat(fixture.events).isEmpty();
    }

    @Test
    void servicesGetTheTermTheDataAndAStopTokenThatCompletesOnStop() {
        RecordingService service = fixture.new RecordingService("s1");
        Vvm vvm = fixture.vvm("a", service);
        vvm.launch();
        assertThat(fixture.next(3)).containsExactly("a:acquired", "s1:start", "a:services started");
        ServiceContext context = service.context.get();
        assertThat(context.term().status()).isEqualTo(Term.Status.LEADING);
        assertThat(context.data()).isNotNull();
        CompletableFuture<Void> stopToken = context.stopToken();
        assertThat(stopToken).isNotDone();

        vvm.shutdown();

        assertThat(stopToken).isCompleted();
        assertThat(context.term().status()).isEqualTo(Term.Status.RELEASED);
    }

    @Test
    void secondVvmWaitsForLeadershipWithoutGivingUp() {
        Vvm leader = fixture.vvm("a");
        leader.launch();
        assertThat(fixture.next()).isEqualTo("a:acquired");
        assertThat(fixture.next()).isEqualTo("a:services started");

        Vvm standby = fixture.vvm("b");
        CompletableFuture<VvmProblem> standbyProblem = standby.launch();
        fixture.clock.advance(Duration.ofDays(1));

        assertThat(fixture.events).isEmpty();
        assertThat(standbyProblem).isNotDone();
        assertThat(standby.state()).isEqualTo(Vvm.State.LAUNCHED);
    }

    @Test
    void collisionWithAnAcquisitionTimeoutEndsInAnAcquisitionProblem() {
        Vvm leader = fixture.vvm("a");
        leader.launch();
        assertThat(fixture.next(2)).containsExactly("a:acquired", "a:services started");

        Duration limit = Duration.ofSeconds(5);
        Vvm standby = fixture.vvm("b", new VvmSettings(Optional.of(limit), VvmFixture.KILL_DELAY));
        CompletableFuture<VvmProblem> problem = standby.launch();
        await().atMost(TIMEOUT).until(() -> fixture.clock.pendingDelays().contains(limit));
        fixture.clock.advance(limit.minusMillis(1));
        assertThat(problem).isNotDone();
        fixture.clock.advance(Duration.ofMillis(1));

        assertThat(VvmFixture.await(problem).kind()).isEqualTo(ProblemKind.ACQUISITION_FAILED);
        Optional<VvmProblem> returned = standby.shutdown();
        assertThat(returned).hasValueSatisfying(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.ACQUISITION_FAILED);
            assertThat(p.getMessage()).isEqualTo("no leadership within 5s");
        });
        assertThat(fixture.events).as("the standby never led").isEmpty();
        assertThat(leader.state()).isEqualTo(Vvm.State.LAUNCHED);
    }

    @Test
    void onShutdownLeadershipIsReleasedAndAWaitingVvmAcquiresAtOnce() {
        Vvm first = fixture.vvm("a", fixture.new RecordingService("s-a"));
        first.launch();
        assertThat(fixture.next(3)).containsExactly("a:acquired", "s-a:start", "a:services started");
        Vvm second = fixture.vvm("b", fixture.new RecordingService("s-b"));
        second.launch();

        assertThat(first.shutdown()).isEmpty();

        // No clock advance: the handover does not wait for a lease to expire. The release completes before the
        // listener hears of it, so "a:released" and b's events may interleave; each VVM's own order is fixed.
        List<String> events = fixture.next(5);
        assertThat(events).filteredOn(e -> e.startsWith("s-a:") || e.startsWith("a:"))
                .containsExactly("s-a:stop", "a:released");
        assertThat(events).filteredOn(e -> e.startsWith("s-b:") || e.startsWith("b:"))
                .containsExactly("b:acquired", "s-b:start", "b:services started");
        assertThat(events.indexOf("b:acquired")).as("b acquires after a stopped").isGreaterThan(
                events.indexOf("s-a:stop"));
        assertThat(second.shutdown()).isEmpty();
    }

    @Test
    void leadershipLossShutsDownByItselfAndTheKillerFiresAfterTheKillDelayExactly() {
        Vvm vvm = fixture.vvm("a", fixture.new RecordingService("s1"), fixture.new RecordingService("s2"));
        CompletableFuture<VvmProblem> problem = vvm.launch();
        assertThat(fixture.next(4)).containsExactly("a:acquired", "s1:start", "s2:start", "a:services started");

        assertThat(fixture.election.revoke("a")).isTrue();

        VvmProblem lost = VvmFixture.await(problem);
        assertThat(lost.kind()).isEqualTo(ProblemKind.LEADERSHIP_LOST);
        assertThat(lost.getCause()).isInstanceOf(LeadershipLostException.class);
        assertThat(lost.getMessage()).contains("leadership lost").contains("revoked");
        // The deposed leader stops its services before anyone calls shutdown().
        assertThat(fixture.next(3)).containsExactly("a:lost", "s2:stop", "s1:stop");
        VvmFixture.await(vvm.shutdowned());

        fixture.clock.advance(VvmFixture.KILL_DELAY.minusMillis(1));
        assertThat(fixture.halts).hasValue(0);
        fixture.clock.advance(Duration.ofMillis(1));
        assertThat(fixture.halts).hasValue(1);

        assertThat(vvm.shutdown()).containsSame(lost);
        assertThat(fixture.events).as("a lost term is not released").isEmpty();
    }

    @Test
    void pipelineStartFailureBecomesTheProblemAndStartedServicesStopInReverse() {
        Vvm vvm = fixture.vvm("a", fixture.new RecordingService("s1"), fixture.new RecordingService("s2"),
                fixture.new RecordingService("boom", true, false), fixture.new RecordingService("s4"));
        CompletableFuture<VvmProblem> problem = vvm.launch();

        assertThat(fixture.next(6)).containsExactly(
                "a:acquired", "s1:start", "s2:start", "boom:start failed", "s2:stop", "s1:stop");
        VvmProblem failure = VvmFixture.await(problem);
        assertThat(failure.kind()).isEqualTo(ProblemKind.SERVICE_FAILED);
        assertThat(failure.getMessage()).contains("boom").contains("failed to start");
        assertThat(failure.getCause()).hasMessage("boom cannot start");

        assertThat(vvm.shutdown()).containsSame(failure);
        assertThat(fixture.next()).isEqualTo("a:released");
        assertThat(fixture.events).as("s4 never started").isEmpty();
    }

    @Test
    void runtimeServiceFailureBecomesTheProblem() {
        RecordingService worker = fixture.new RecordingService("worker");
        Vvm vvm = fixture.vvm("a", fixture.new RecordingService("s1"), worker);
        CompletableFuture<VvmProblem> problem = vvm.launch();
        assertThat(fixture.next(4)).containsExactly("a:acquired", "s1:start", "worker:start", "a:services started");

        worker.context.get().reportFailure(new IOException("disk full"));
        worker.context.get().reportFailure(new IOException("a later failure"));

        VvmProblem failure = VvmFixture.await(problem);
        assertThat(failure.kind()).isEqualTo(ProblemKind.SERVICE_FAILED);
        assertThat(failure.getMessage()).contains("worker").contains("disk full");
        assertThat(fixture.next(3)).containsExactly("worker:stop", "s1:stop", "a:released");
        assertThat(vvm.shutdown()).containsSame(failure);
    }

    @Test
    void failedCampaignBecomesAnAcquisitionProblem() {
        LeadershipAccessException refused = new LeadershipAccessException("permission denied", null);
        Leadership refusing = new RefusingLeadership(refused);
        Vvm vvm = fixture.vvm(refusing, VvmSettings.defaults());

        VvmProblem problem = VvmFixture.await(vvm.launch());

        assertThat(problem.kind()).isEqualTo(ProblemKind.ACQUISITION_FAILED);
        assertThat(problem.getCause()).isSameAs(refused);
        assertThat(vvm.shutdown()).containsSame(problem);
    }

    @Test
    void serviceStopFailureDoesNotBlockShutdownAndIsReported() {
        Vvm vvm = fixture.vvm("a", fixture.new RecordingService("s1"),
                fixture.new RecordingService("bad", false, true), fixture.new RecordingService("s3"));
        vvm.launch();
        assertThat(fixture.next(5)).containsExactly(
                "a:acquired", "s1:start", "bad:start", "s3:start", "a:services started");

        Optional<VvmProblem> problem = vvm.shutdown();

        assertThat(fixture.next(4)).containsExactly("s3:stop", "bad:stop", "s1:stop", "a:released");
        assertThat(problem).hasValueSatisfying(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.SERVICE_FAILED);
            assertThat(p.getMessage()).contains("bad");
            assertThat(p.getCause().getSuppressed()).singleElement()
                    .satisfies(e -> assertThat(e).hasMessage("bad cannot stop"));
        });
        assertThat(vvm.state()).isEqualTo(Vvm.State.SHUT_DOWN);
    }

    @Test
    void shutdownBeforeLaunchAndSecondLaunchAreRefusedClearly() {
        Vvm vvm = fixture.vvm("a");
        assertThatThrownBy(vvm::shutdown).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shutdown() called before launch()");

        vvm.launch();
        assertThatThrownBy(vvm::launch).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("launched once");
        vvm.shutdown();
        assertThatThrownBy(vvm::launch).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SHUT_DOWN");
    }

    @Test
    void shutdownTwiceGivesTheSameResult() {
        RecordingService worker = fixture.new RecordingService("worker");
        Vvm vvm = fixture.vvm("a", worker);
        vvm.launch();
        assertThat(fixture.next(3)).containsExactly("a:acquired", "worker:start", "a:services started");
        worker.context.get().reportFailure(new IOException("disk full"));

        Optional<VvmProblem> first = vvm.shutdown();
        Optional<VvmProblem> second = vvm.shutdown();

        assertThat(first).isPresent();
        assertThat(second).containsSame(first.get());
    }

    @Test
    void shutdownFrom16ThreadsAtOnceGivesEveryoneTheSameResult() throws Exception {
        RecordingService worker = fixture.new RecordingService("worker");
        Vvm vvm = fixture.vvm("a", worker);
        CompletableFuture<VvmProblem> problem = vvm.launch();
        assertThat(fixture.next(3)).containsExactly("a:acquired", "worker:start", "a:services started");
        worker.context.get().reportFailure(new IOException("disk full"));

        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<Optional<VvmProblem>>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> {
                    gate.await();
                    return vvm.shutdown();
                }));
            }
            gate.countDown();
            VvmProblem expected = VvmFixture.await(problem);
            for (Future<Optional<VvmProblem>> result : results) {
                assertThat(result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).containsSame(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shutdownDuringAcquisitionReturnsPromptly() {
        Vvm leader = fixture.vvm("a");
        leader.launch();
        assertThat(fixture.next(2)).containsExactly("a:acquired", "a:services started");
        Vvm standby = fixture.vvm("b");
        standby.launch();

        Optional<VvmProblem> problem = VvmFixture.await(CompletableFuture.supplyAsync(standby::shutdown));

        assertThat(problem).isEmpty();
        assertThat(standby.state()).isEqualTo(Vvm.State.SHUT_DOWN);
        assertThat(leader.state()).isEqualTo(Vvm.State.LAUNCHED);
        // The withdrawn candidacy does not block anyone: the next one acquires at once after the leader.
        Vvm next = fixture.vvm("c");
        next.launch();
        leader.shutdown();
        assertThat(fixture.next(3)).containsExactlyInAnyOrder("a:released", "c:acquired", "c:services started");
    }

    @Test
    void shutdownCalledFromAServiceDoesNotDeadlock() {
        AtomicReference<Vvm> self = new AtomicReference<>();
        Service quitter = new Service() {
            @Override
            public String name() {
                return "quitter";
            }

            @Override
            public void start(ServiceContext context) {
                self.get().shutdown();
            }

            @Override
            public void stop() {
                fixture.events.add("quitter:stop");
            }
        };
        Vvm vvm = fixture.vvm("a", quitter);
        self.set(vvm);
        vvm.launch();

        VvmFixture.await(vvm.shutdowned());
        List<String> events = new ArrayList<>(fixture.next(3));
        if (events.contains("a:services started")) {
            events.add(fixture.next()); // the shutdown raced the end of start-up; either order is legal
        }
        events.remove("a:services started");
        assertThat(events).containsExactly("a:acquired", "quitter:stop", "a:released");
        assertThat(vvm.shutdown()).isEmpty();
    }

    @Test
    void afterShutdownNoVvmThreadIsAlive() {
        Vvm leader = fixture.vvm("leak-a", fixture.new RecordingService("s1"));
        Vvm standby = fixture.vvm("leak-b");
        leader.launch();
        assertThat(fixture.next(3)).containsExactly("leak-a:acquired", "s1:start", "leak-a:services started");
        standby.launch();
        await().atMost(TIMEOUT).until(() -> VvmFixture.liveThreadsOf("leak-b").size() >= 2);
        assertThat(VvmFixture.liveThreadsOf("leak-a")).contains("vvm-shutdowner-leak-a",
                "vvm-leadership-monitor-leak-a", "vvm-service-pipeline-leak-a");

        standby.shutdown();
        leader.shutdown();

        assertThat(VvmFixture.liveThreadsOf("leak-a")).isEmpty();
        assertThat(VvmFixture.liveThreadsOf("leak-b")).isEmpty();
    }

    /** A leadership whose backend refuses every campaign. */
    private static final class RefusingLeadership implements Leadership {
        private final RuntimeException refusal;

        RefusingLeadership(RuntimeException refusal) {
            this.refusal = refusal;
        }

        @Override
        public String description() {
            return "refusing";
        }

        @Override
        public Candidate candidate() {
            return new Candidate("refused", "test-host", 1, Instant.EPOCH);
        }

        @Override
        public Campaign campaign() {
            throw refusal;
        }

        @Override
        public DataStore data() {
            throw new UnsupportedOperationException("no data in this test");
        }

        @Override
        public void close() {
        }
    }
}
