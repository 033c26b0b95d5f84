package org.vvmhost.vvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
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
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.memory.InMemoryElection;
import org.vvmhost.time.ManualClock;

/** Races launch, problems (leadership loss, service failure) and shutdown from several threads. */
class VvmStressTest {

    private static final int ROUNDS = 1000;

    @Test
    void thousandLaunchProblemShutdownRacesFinishWithoutDeadlock() throws Exception {
        ExecutorService racers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                race(round, racers);
            }
        } finally {
            racers.shutdownNow();
            assertThat(racers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        List<String> leftovers = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith("vvm-") && thread.getName().contains("-stress-")) {
                leftovers.add(thread.getName());
            }
        }
        assertThat(leftovers).isEmpty();
    }

    private static void race(int round, ExecutorService racers) throws Exception {
        ManualClock clock = new ManualClock();
        InMemoryElection election = InMemoryElection.create(clock, LeaseSettings.defaults());
        String id = "stress-" + round;
        Leadership leadership = election.join(new Candidate(id, "test-host", 1, Instant.EPOCH));
        boolean failingService = round % 3 == 1;
        Service service = new Service() {
            @Override
            public String name() {
                return "racer";
            }

            @Override
            public void start(ServiceContext context) {
                if (failingService) {
                    context.reportFailure(new IllegalStateException("failure in round " + round));
                }
            }

            @Override
            public void stop() {
            }
        };
        Vvm vvm = Vvms.provide(VvmSettings.defaults(), leadership, List.of(service), clock, () -> { },
                VvmListener.NONE);
        CountDownLatch gate = new CountDownLatch(1);
        Future<Boolean> revoker = racers.submit(() -> {
            gate.await();
            return round % 3 == 0 && election.revoke(id);
        });
        Future<Optional<VvmProblem>> shutter = racers.submit(() -> {
            gate.await();
            return vvm.shutdown();
        });

        vvm.launch();
        gate.countDown();
        Optional<VvmProblem> mine = vvm.shutdown();
        Optional<VvmProblem> theirs = awaitOrDump(shutter, round);
        awaitOrDump(revoker, round);

        assertThat(theirs).isEqualTo(mine);
        assertThat(vvm.state()).isEqualTo(Vvm.State.SHUT_DOWN);
        assertThat(vvm.shutdowned()).isCompleted();
        mine.ifPresent(problem -> assertThat(problem.kind())
                .isIn(ProblemKind.LEADERSHIP_LOST, ProblemKind.SERVICE_FAILED));
        leadership.close();
    }

    private static <T> T awaitOrDump(Future<T> future, int round) throws Exception {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            StringBuilder dump = new StringBuilder();
            for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                dump.append(info);
            }
            return fail("round %d did not finish: deadlock?%n%s", round, dump);
        }
    }

    @Test
    void racesOfManyShuttersAgreeOnTheFirstProblem() throws Exception {
        for (int round = 0; round < 50; round++) {
            VvmFixture fixture = new VvmFixture();
            VvmFixture.RecordingService worker = fixture.new RecordingService("w");
            Vvm vvm = fixture.vvm("agree-" + round, worker);
            CompletableFuture<VvmProblem> problem = vvm.launch();
            fixture.next(3);
            CompletableFuture<Optional<VvmProblem>> a = CompletableFuture.supplyAsync(vvm::shutdown);
            worker.context.get().reportFailure(new IllegalStateException("first"));
            fixture.election.revoke("agree-" + round);
            Optional<VvmProblem> b = vvm.shutdown();
            assertThat(VvmFixture.await(a)).isEqualTo(b);
            assertThat(b.isPresent()).as("the problem future agrees with shutdown()").isEqualTo(problem.isDone());
            if (problem.isDone()) {
                assertThat(b).containsSame(problem.join());
            }
            fixture.close();
        }
    }
}
