package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vvmhost.leadership.etcd.EtcdTestSupport.LEASE;
import static org.vvmhost.leadership.etcd.EtcdTestSupport.candidate;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.LogCapture;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.Clock;
import org.vvmhost.time.SystemClock;

/** etcd going away under a leader and coming back. Each test stops or kills the server. */
class EtcdOutageTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();
    private static SystemClock systemClock;

    private final List<Leadership> opened = new ArrayList<>();
    private String election;

    @BeforeAll
    static void startClock() {
        systemClock = SystemClock.create("etcd-outage-clock");
    }

    @AfterAll
    static void stopClock() {
        systemClock.close();
    }

    @BeforeEach
    void freshElection(TestInfo test) {
        election = EtcdTestSupport.establishedElection(ETCD, test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Leadership::close);
    }

    private Leadership join(String id, Clock clock) {
        Leadership leadership = EtcdLeaderships.connect(EtcdTestSupport.settings(ETCD.endpoint(), election),
                candidate(id), clock);
        opened.add(leadership);
        return leadership;
    }

    private static <T> T await(CompletableFuture<T> future) {
        return EtcdTestSupport.await(future, TIMING.eventBudget());
    }

    @Test
    void aLeaderCutOffFromEtcdDeclaresLossAtItsRenewDeadlineBeforeTheTtl() {
        RecordingClock clock = new RecordingClock(systemClock, LEASE.renewDeadline());
        Term term = await(join("a", clock).campaign().elected());
        Awaitility.await("two renewals").atMost(TIMING.eventBudget()).until(() -> clock.renewals() >= 2);

        ETCD.stop();
        LeadershipLostException reason = await(term.lost());
        long lostAt = clock.nanoTime();

        // The guard counts a renewal from when its request was sent: the deadline it armed, minus the deadline.
        long lastRenewalSentNanos = clock.lastDeadlineNanos() - LEASE.renewDeadline().toNanos();
        Duration sinceLastRenewal = Duration.ofNanos(lostAt - lastRenewalSentNanos);
        assertThat(reason.getMessage()).contains("renew deadline");
        assertThat(term.status()).isEqualTo(Term.Status.LOST);
        assertThat(sinceLastRenewal).as("loss comes at the renew deadline, not earlier")
                .isGreaterThanOrEqualTo(LEASE.renewDeadline().minusMillis(10));
        assertThat(sinceLastRenewal).as("loss comes before the TTL could run out on the server")
                .isLessThan(LEASE.ttl());
    }

    @Test
    void afterEtcdRestartsTheCandidatesCampaignAgainAndOneLeads() {
        Leadership a = join("a", systemClock);
        Term first = await(a.campaign().elected());
        Campaign b = join("b", systemClock).campaign();
        Awaitility.await("b waits").atMost(TIMING.eventBudget())
                .until(() -> ETCD.getPrefix(election + "/").size() == 2);

        ETCD.kill();
        await(first.lost());
        ETCD.start();
        Campaign again = a.campaign();

        CompletableFuture<Object> any = CompletableFuture.anyOf(again.elected(), b.elected());
        Term winner = (Term) await(any);
        List<Campaign> elected = List.of(again, b).stream().filter(c -> c.elected().isDone()).toList();
        assertThat(elected).as("exactly one leader after the restart").hasSize(1);
        assertThat(winner.fencingToken()).isGreaterThan(first.fencingToken());
        ElectionStatus status = EtcdLeaderships.status(EtcdTestSupport.settings(ETCD.endpoint(), election));
        assertThat(status.leader()).hasValueSatisfying(leader -> {
            assertThat(leader.key()).isEqualTo(winner.leaderKey());
            assertThat(leader.fencingToken()).contains(winner.fencingToken());
        });
    }

    @Test
    void aCampaignStartedWhileEtcdIsDownWinsOnceEtcdIsBack() {
        ETCD.stop();
        try (LogCapture log = new LogCapture(EtcdCampaign.class)) {
            Campaign campaign = join("a", systemClock).campaign();
            Awaitility.await("two retries").atMost(TIMING.eventBudget())
                    .until(() -> log.at(Level.WARN).size() >= 2);
            assertThat(campaign.elected()).isNotDone();

            ETCD.start();

            Term term = await(campaign.elected());
            assertThat(term.status()).isEqualTo(Term.Status.LEADING);
            assertThat(log.at(Level.WARN)).allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
        }
    }
}
