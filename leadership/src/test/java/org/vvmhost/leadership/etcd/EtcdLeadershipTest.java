package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vvmhost.leadership.etcd.EtcdTestSupport.LEASE;
import static org.vvmhost.leadership.etcd.EtcdTestSupport.candidate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.etcd.jetcd.KeyValue;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.LogCapture;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.SystemClock;

/** etcd-specific behaviour on a server that stays up. */
class EtcdLeadershipTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    private static SystemClock clock;

    private final List<Leadership> opened = new ArrayList<>();
    private String election;

    @BeforeAll
    static void startClock() {
        clock = SystemClock.create("etcd-test-clock");
    }

    @AfterAll
    static void stopClock() {
        clock.close();
    }

    @BeforeEach
    void freshElection(TestInfo test) {
        election = EtcdTestSupport.establishedElection(ETCD, test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Leadership::close);
    }

    private Leadership join(String id) {
        return join(id, EtcdTestSupport.settings(ETCD.endpoint(), election));
    }

    private Leadership join(String id, EtcdSettings settings) {
        Leadership leadership = EtcdLeaderships.connect(settings, candidate(id), clock);
        opened.add(leadership);
        return leadership;
    }

    private static <T> T await(CompletableFuture<T> future) {
        return EtcdTestSupport.await(future, TIMING.eventBudget());
    }

    private void awaitCandidates(int count) {
        Awaitility.await(count + " candidate keys in " + election)
                .atMost(TIMING.eventBudget())
                .pollInterval(Duration.ofMillis(20))
                .until(() -> ETCD.getPrefix(election + "/").size() == count);
    }

    @Test
    void successorLeadsAfterAGracefulReleaseWithoutWaitingForTheTtl() {
        Term first = await(join("a").campaign().elected());
        Campaign second = join("b").campaign();
        awaitCandidates(2);

        long released = System.nanoTime();
        await(first.release());
        Term next = await(second.elected());
        Duration handover = Duration.ofNanos(System.nanoTime() - released);

        assertThat(next.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(handover).as("a resign hands over at once, not at lease expiry").isLessThan(
                TIMING.scaled(LEASE.ttl()));
        assertThat(ETCD.get(first.leaderKey())).as("the resigned key").isEmpty();
    }

    @Test
    void afterACrashTheSuccessorLeadsWhenTheAbandonedLeaseExpires() {
        Leadership crashing = join("a");
        Term abandoned = await(crashing.campaign().elected());
        Campaign successor = join("b").campaign();
        awaitCandidates(2);

        long crashed = System.nanoTime();
        crashing.close(); // keepalive stops, nothing is revoked: what a killed process leaves behind
        assertThat(ETCD.get(abandoned.leaderKey())).as("the abandoned key outlives its owner").isPresent();
        Term next = await(successor.elected());
        Duration failover = Duration.ofNanos(System.nanoTime() - crashed);

        assertThat(next.fencingToken()).isGreaterThan(abandoned.fencingToken());
        assertThat(failover).as("bounded by the TTL plus slack")
                .isLessThanOrEqualTo(TIMING.scaled(LEASE.ttl().plusMillis(1500)));
        assertThat(failover).as("not before the lease could have expired")
                .isGreaterThanOrEqualTo(LEASE.ttl().minus(LEASE.renewDeadline()));
    }

    @Test
    void aLeaderKeyDeletedFromOutsideLosesTheTermAndTheNextLeads() {
        Term first = await(join("a").campaign().elected());
        Campaign second = join("b").campaign();
        awaitCandidates(2);

        assertThat(ETCD.delete(first.leaderKey())).isEqualTo(1);

        LeadershipLostException reason = await(first.lost());
        assertThat(reason.getMessage()).contains("deleted").contains(first.leaderKey());
        Term next = await(second.elected());
        assertThat(ETCD.get(next.leaderKey()).map(KeyValue::getCreateRevision))
                .contains(next.fencingToken().revision());
    }

    @Test
    void aWaitingCandidateWhoseKeyWasDeletedNeverReportsAPhantomWin() {
        Term first = await(join("a").campaign().elected());
        Campaign second = join("b").campaign();
        awaitCandidates(2);
        KeyValue deleted = EtcdTestSupport.keyOf(ETCD, election, "b").orElseThrow();
        ETCD.delete(EtcdExtension.text(deleted.getKey()));

        await(first.release());
        Term next = await(second.elected());

        assertThat(next.leaderKey()).as("a fresh candidacy, not the deleted key")
                .isNotEqualTo(EtcdExtension.text(deleted.getKey()));
        assertThat(next.fencingToken().revision()).isGreaterThan(deleted.getCreateRevision());
        assertThat(ETCD.get(next.leaderKey()).map(KeyValue::getCreateRevision))
                .as("the reported key exists, with the reported token").contains(next.fencingToken().revision());
    }

    @Test
    void aWriteAfterTheLeaderKeyVanishedIsRejectedAndWritesNothing() {
        Leadership a = join("a");
        Term term = await(a.campaign().elected());
        await(term.write(List.of(WriteOp.put("backup", "v1".getBytes(StandardCharsets.UTF_8)))));

        ETCD.delete(term.leaderKey());
        CompletableFuture<Void> write = term.write(List.of(WriteOp.put("backup", "zombie".getBytes(
                StandardCharsets.UTF_8)), WriteOp.put("extra", "zombie".getBytes(StandardCharsets.UTF_8))));

        assertThatThrownBy(() -> write.get(TIMING.eventBudget().toMillis(), TimeUnit.MILLISECONDS))
                .cause().isInstanceOf(FencedWriteRejectedException.class);
        assertThat(ETCD.get(election + "-data/backup").map(kv -> EtcdExtension.text(kv.getValue())))
                .contains("v1");
        assertThat(ETCD.get(election + "-data/extra")).isEmpty();
    }

    @Test
    void aCallbackOnElectedMayCancelFromAnotherThreadWhileCancelRuns() throws Exception {
        await(join("a").campaign().elected());
        Campaign waiting = join("b").campaign();
        awaitCandidates(2);
        ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-other-canceller"));
        CompletableFuture<CompletableFuture<Void>> fromCallback = new CompletableFuture<>();
        try {
            // A caller's callback hands a cancel to another thread and waits for the call to return (not for the
            // withdrawal, which may need the very thread the callback runs on): a lock held by the first cancel()
            // while it cancels elected() would deadlock here.
            waiting.elected().whenComplete((term, failure) -> {
                try {
                    fromCallback.complete(other.submit(waiting::cancel).get(TIMING.eventBudget().toMillis(),
                            TimeUnit.MILLISECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fromCallback.completeExceptionally(e);
                } catch (ExecutionException | TimeoutException e) {
                    fromCallback.completeExceptionally(e);
                }
            });

            CompletableFuture<Void> withdrawal = waiting.cancel();

            assertThat(await(fromCallback)).as("every cancel() gives the one withdrawal").isSameAs(withdrawal);
            await(withdrawal);
            awaitCandidates(1);
        } finally {
            other.shutdownNow();
            assertThat(other.awaitTermination(TIMING.eventBudget().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }
    }

    @Test
    void statusShowsTheLeaderAndTheWaitingInOrder() {
        Term leader = await(join("a").campaign().elected());
        join("b").campaign();
        awaitCandidates(2);
        join("c").campaign();
        awaitCandidates(3);

        ElectionStatus status = EtcdLeaderships.status(EtcdTestSupport.settings(ETCD.endpoint(), election));

        assertThat(status.leader()).hasValueSatisfying(entry -> {
            assertThat(entry.id()).isEqualTo("a");
            assertThat(entry.key()).isEqualTo(leader.leaderKey());
            assertThat(entry.fencingToken()).contains(leader.fencingToken());
            assertThat(entry.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(entry.host()).isEqualTo("test-host");
            assertThat(entry.leaderSince()).isPresent();
        });
        assertThat(status.waiting()).extracting(ElectionStatus.Entry::id).containsExactly("b", "c");
        assertThat(status.waiting()).allSatisfy(entry -> {
            assertThat(entry.leaderSince()).isEmpty();
            assertThat(entry.fencingToken()).as("only a leader holds a token").isEmpty();
        });
    }

    @Test
    void etcdctlElectShowsOurLeader() throws Exception {
        Assumptions.assumeTrue(onPath("etcdctl"), "etcdctl is not installed");
        await(join("a").campaign().elected());

        Process observer = new ProcessBuilder("etcdctl", "--endpoints", ETCD.endpoint().toString(), "elect", "-l",
                election).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(observer.getInputStream(),
                StandardCharsets.UTF_8))) {
            CompletableFuture<String> firstValue = CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("{")) {
                            return line;
                        }
                    }
                    return "";
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            assertThat(await(firstValue)).contains("\"id\":\"a\"").contains("\"host\":\"test-host\"");
        } finally {
            observer.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUnreachableEtcdIsRetriedWithOneWarningPerAttemptUntilCancelled() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Leadership lonely = join("a", EtcdSettings.of("http://127.0.0.1:" + closedPort, election, LEASE));
        try (LogCapture log = new LogCapture(EtcdCampaign.class)) {
            Campaign campaign = lonely.campaign();

            Awaitility.await("three retries").atMost(TIMING.eventBudget())
                    .until(() -> log.at(Level.WARN).size() >= 3);
            assertThat(campaign.elected()).isNotDone();
            List<ILoggingEvent> warnings = log.at(Level.WARN);
            assertThat(warnings).allSatisfy(event -> {
                assertThat(event.getThrowableProxy()).as("no stack trace").isNull();
                assertThat(event.getFormattedMessage()).contains("etcd unavailable").contains("trying again in");
            });

            await(campaign.cancel());
            assertThatThrownBy(() -> campaign.elected().getNow(null)).isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void credentialsForAnEtcdWithoutAuthenticationAreNamedAsSuch() {
        EtcdSettings withUser = EtcdTestSupport.settings(ETCD.endpoint(), election)
                .withCredentials(new EtcdSettings.Credentials("root", "secret"));

        assertThatThrownBy(() -> EtcdLeaderships.status(withUser))
                .isInstanceOf(LeadershipAccessException.class)
                .hasMessage("read the election " + election + " from [" + ETCD.endpoint() + "]: etcd has "
                        + "authentication disabled, but a user and password were given (UNAUTHENTICATED: "
                        + "FAILED_PRECONDITION: etcdserver: authentication is not enabled)");
    }

    @Test
    void closeStopsEveryThreadItStarted() {
        Leadership leader = join("t1");
        Leadership waiting = join("t2");
        Term term = await(leader.campaign().elected());
        Campaign queued = waiting.campaign();
        awaitCandidates(2);

        waiting.close();
        await(term.release());
        leader.close();

        assertThat(queued.elected()).isCancelled();
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(name -> name.endsWith("-t1") || name.endsWith("-t2"));
        assertThat(ETCD.getPrefix(election + "/")).as("the closed waiter withdrew its key").isEmpty();
    }

    private static boolean onPath(String binary) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, binary)));
    }
}
