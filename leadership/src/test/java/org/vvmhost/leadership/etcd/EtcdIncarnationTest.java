package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.vvmhost.leadership.etcd.EtcdTestSupport.candidate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.LogCapture;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.SystemClock;

/**
 * etcd's incarnations: a fresh etcd, and an etcd wiped under a leader (killed, restarted on an empty data directory
 * on the same ports, so with the same cluster id and revisions starting over). The old leader must stop before a new
 * one starts, and fencing tokens must keep growing across the wipe. TTL 4 s, as in production-like settings.
 */
class EtcdIncarnationTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Logger LOG = LoggerFactory.getLogger(EtcdIncarnationTest.class);
    private static final TestTiming TIMING = TestTiming.current();
    private static final LeaseSettings LEASE = LeaseSettings.ofTtl(Duration.ofSeconds(4));
    private static final int WIPES = 2;
    private static SystemClock clock;

    private final List<Leadership> opened = new ArrayList<>();

    @BeforeAll
    static void startClock() {
        clock = SystemClock.create("etcd-incarnation-clock");
    }

    @AfterAll
    static void stopClock() {
        clock.close();
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Leadership::close);
    }

    private Leadership join(String id, String election) {
        EtcdSettings settings = EtcdTestSupport.settings(ETCD.endpoint(), election);
        Leadership leadership = EtcdLeaderships.connect(new EtcdSettings(settings.endpoints(), election, LEASE,
                Optional.empty(), Optional.empty()), candidate(id), clock);
        opened.add(leadership);
        return leadership;
    }

    @Test
    void theFirstLeaderOfAFreshElectionWaitsOutTheLockDelayAndStartsEpochOne(TestInfo test) {
        String election = EtcdTestSupport.freshElection(test.getTestMethod().orElseThrow().getName());
        try (LogCapture log = new LogCapture(EtcdCampaign.class)) {
            long began = System.nanoTime();
            Term term = await(join("a", election).campaign().elected());
            Duration waited = Duration.ofNanos(System.nanoTime() - began);

            assertThat(waited).as("not before the renew deadline has passed").isGreaterThanOrEqualTo(
                    LEASE.renewDeadline());
            assertThat(term.fencingToken().epoch()).isEqualTo(1);
            assertThat(ETCD.get(election + "-data/epoch").map(kv -> EtcdExtension.text(kv.getValue()))).contains("1");
            assertThat(log.at(Level.INFO)).extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(line -> line.contains("waiting")).hasSize(1).first(STRING)
                    .matches("the election's data holds no fencing epoch \\(a fresh or wiped etcd\\): waiting 26\\d\\dms "
                            + "\\(the renew deadline, 2667ms, from when this was seen\\) before leading, so that a "
                            + "leader that has not noticed has certainly stopped");
            ElectionStatus status = EtcdLeaderships.status(EtcdTestSupport.settings(ETCD.endpoint(), election));
            assertThat(status.leader().flatMap(ElectionStatus.Entry::fencingToken)).contains(term.fencingToken());
        }
    }

    @Test
    void aWipeEndsTheTermBeforeTheNextLeaderStartsAndTokensKeepGrowing(TestInfo test) {
        String election = EtcdTestSupport.establishedElection(ETCD, test.getTestMethod().orElseThrow().getName());
        Leadership leader = join("a", election);
        Leadership waiting = join("b", election);
        Term term = await(leader.campaign().elected());
        Campaign standby = waiting.campaign();
        List<FencingToken> tokens = new ArrayList<>(List.of(term.fencingToken()));
        for (int wipe = 1; wipe <= WIPES; wipe++) {
            Awaitility.await("a standby waits").atMost(TIMING.eventBudget())
                    .until(() -> ETCD.getPrefix(election + "/").size() == 2);
            Timed<?> lost = timed(term.lost());

            ETCD.wipe();

            lost.await();
            // The deposed leader campaigns again; whoever leads next must start after the old term ended.
            Campaign again = leader.campaign();
            Timed<Term> byAgain = timed(again.elected());
            Timed<Term> byStandby = timed(standby.elected());
            await(CompletableFuture.anyOf(again.elected(), standby.elected()));
            Timed<Term> next = again.elected().isDone() ? byAgain : byStandby;
            term = next.await();
            assertThat(next.nanos()).as("wipe %d: the next leader starts after the old one noticed its loss", wipe)
                    .isGreaterThan(lost.nanos());
            LOG.info("wipe {}: the next leader started {} ms after the old one noticed its loss; tokens {} -> {}",
                    wipe, (next.nanos() - lost.nanos()) / 1_000_000, tokens.get(tokens.size() - 1),
                    term.fencingToken());
            assertThat(term.fencingToken().epoch()).as("wipe %d: a new incarnation has a new epoch", wipe)
                    .isEqualTo(wipe + 1);
            await(term.write(List.of(WriteOp.put("after-wipe", new byte[] {(byte) wipe}))));
            tokens.add(term.fencingToken());
            if (next == byStandby) {
                Leadership swapped = leader;
                leader = waiting;
                waiting = swapped;
                standby = again;
            }
        }
        assertThat(tokens).as("fencing tokens across %d wipes", WIPES).isSortedAccordingTo(FencingToken::compareTo)
                .doesNotHaveDuplicates();
        assertThat(ETCD.get(election + "-data/epoch").map(kv -> EtcdExtension.text(kv.getValue())))
                .contains(Long.toString(WIPES + 1));
    }

    /** A future and when it completed, on {@link System#nanoTime()}. */
    private record Timed<T>(CompletableFuture<T> future, CompletableFuture<Long> at) {
        T await() {
            return EtcdIncarnationTest.await(future);
        }

        long nanos() {
            return EtcdIncarnationTest.await(at);
        }
    }

    private static <T> Timed<T> timed(CompletableFuture<T> future) {
        CompletableFuture<Long> at = new CompletableFuture<>();
        future.whenComplete((value, failure) -> at.complete(System.nanoTime()));
        return new Timed<>(future, at);
    }

    private static <T> T await(CompletableFuture<T> future) {
        return EtcdTestSupport.await(future, TIMING.startBudget());
    }
}
