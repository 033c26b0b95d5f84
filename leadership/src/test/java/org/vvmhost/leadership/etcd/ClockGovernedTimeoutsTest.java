package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.testing.LogCapture;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.ManualClock;

/**
 * Every wait of the etcd leadership runs on the injected clock: against scripted etcd clients whose calls hang until
 * the test answers them, only advancing a manual clock ends a call, a retry's pause or the lock-delay.
 */
class ClockGovernedTimeoutsTest {

    private static final LeaseSettings LEASE = LeaseSettings.ofTtl(Duration.ofSeconds(2));
    private static final Duration PERIOD = LEASE.renewDeadline().dividedBy(LeaseKeeper.RENEWALS_PER_DEADLINE);
    private static final long LEASE_ID = 0x7e57L;
    private static final Duration BUDGET = TestTiming.current().eventBudget();

    private final ManualClock clock = new ManualClock();
    private final ScriptedEtcd etcd = new ScriptedEtcd();
    private EtcdCampaign campaign;

    @AfterEach
    void cancel() {
        if (campaign != null) {
            campaign.cancel();
            campaign.finished().orTimeout(BUDGET.toMillis(), TimeUnit.MILLISECONDS).join();
        }
    }

    private EtcdCampaign campaign() {
        campaign = new EtcdCampaign(etcd.context(clock, LEASE, "e"));
        campaign.start();
        return campaign;
    }

    @Test
    void aCallOfTheCampaignTimesOutAndItsRetryWaitsOnlyOnTheClock() {
        try (LogCapture log = new LogCapture(EtcdCampaign.class)) {
            campaign();
            etcd.next("grant");
            Awaitility.await("the call is bounded on the clock").atMost(BUDGET)
                    .until(() -> clock.pendingDelays().contains(LEASE.ttl()));

            clock.advance(LEASE.ttl().minusMillis(1));
            assertThat(log.at(Level.WARN)).isEmpty();
            clock.advance(Duration.ofMillis(1));

            Awaitility.await("the retry is announced").atMost(BUDGET).until(() -> !log.at(Level.WARN).isEmpty());
            assertThat(log.at(Level.WARN)).extracting(ILoggingEvent::getFormattedMessage).singleElement()
                    .asString().contains("grant a lease: etcd did not answer in time").endsWith("trying again in 100 ms");
            Awaitility.await("the pause is on the clock").atMost(BUDGET)
                    .until(() -> clock.pendingDelays().contains(Duration.ofMillis(100)));
            assertThat(etcd.idle()).isTrue();
            clock.advance(Duration.ofMillis(100));
            etcd.next("grant");
        }
    }

    @Test
    void theLockDelayOfAFreshEtcdRunsOnTheClockWhileTheLeaseIsKeptAlive() {
        try (LogCapture log = new LogCapture(EtcdCampaign.class)) {
            campaign();
            enter(List.of());

            Awaitility.await("the lock-delay is announced").atMost(BUDGET).until(() -> !log.at(Level.INFO).isEmpty());
            assertThat(log.at(Level.INFO)).extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                    .startsWith("the election's data holds no fencing epoch (a fresh or wiped etcd): waiting 1333ms");
            Duration waited = Duration.ZERO;
            while (waited.plus(PERIOD).compareTo(LEASE.renewDeadline()) < 0) {
                assertThat(etcd.idle()).as("nothing claimed %s into the lock-delay", waited).isTrue();
                clock.advance(PERIOD);
                waited = waited.plus(PERIOD);
                keepAlive();
            }
            assertThat(etcd.idle()).isTrue();
            clock.advance(LEASE.renewDeadline().minus(waited).plusMillis(1));

            // Read again after the delay, then claimed with a new epoch.
            etcd.next("txn.commit").answer(ScriptedEtcd.txn(true, 14, List.of(), List.of(), List.of()));
            etcd.next("txn.commit").answer(ScriptedEtcd.txn(true, 15));
            etcd.next("timeToLive").answer(ScriptedEtcd.timeToLive(LEASE_ID, 2, 15));
            Term term = await(campaign.elected());
            assertThat(term.fencingToken()).isEqualTo(new FencingToken(1, 11));
        }
    }

    @Test
    void aReleaseIsBoundedOnTheClock() {
        campaign();
        enter(List.of(Optional.of("4")));
        etcd.next("txn.commit").answer(ScriptedEtcd.txn(true, 14));
        etcd.next("timeToLive").answer(ScriptedEtcd.timeToLive(LEASE_ID, 2, 14));
        Term term = await(campaign.elected());
        assertThat(term.fencingToken()).as("no lock-delay where etcd holds an epoch").isEqualTo(new FencingToken(4, 11));
        etcd.next("watch");

        CompletableFuture<Void> release = term.release();
        etcd.next("txn.commit");
        clock.advance(LEASE.ttl().minusMillis(1));
        assertThat(release).isNotDone();
        clock.advance(Duration.ofMillis(1));
        assertThat(release).failsWithin(BUDGET).withThrowableOfType(ExecutionException.class)
                .withMessageContaining("did not answer in time");
    }

    @Test
    void aRevokeIsBoundedOnTheClock() {
        CompletableFuture<Void> revoke = Candidacy.revoke(etcd.lease(), LEASE_ID, Duration.ofSeconds(3), clock);
        etcd.next("revoke");

        clock.advance(Duration.ofSeconds(3).minusMillis(1));
        assertThat(revoke).isNotDone();
        clock.advance(Duration.ofMillis(1));
        assertThat(revoke).as("given up; the lease expires on its own").isCompleted();
    }

    /**
     * Answers the grant and the key's creation at revision 11, and the look for older candidates: none, with
     * {@code epoch} as the election's epoch, no other candidate and no switchover intent.
     */
    private void enter(List<Optional<String>> epoch) {
        etcd.next("grant").answer(ScriptedEtcd.granted(LEASE_ID, 2, 10));
        etcd.next("txn.commit").answer(ScriptedEtcd.txn(true, 11));
        etcd.next("txn.commit").answer(ScriptedEtcd.txn(true, 12, List.of(), epoch, List.of(), List.of()));
    }

    private void keepAlive() {
        etcd.next("keepAliveOnce").answer(new LeaseKeepAliveResponse(io.etcd.jetcd.api.LeaseKeepAliveResponse
                .newBuilder().setID(LEASE_ID).setTTL(2).setHeader(ScriptedEtcd.header(13)).build()));
    }

    private static <T> T await(CompletableFuture<T> future) {
        return future.orTimeout(BUDGET.toMillis(), TimeUnit.MILLISECONDS).join();
    }
}
