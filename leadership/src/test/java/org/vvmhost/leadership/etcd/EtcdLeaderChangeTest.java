package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vvmhost.leadership.etcd.EtcdTestSupport.candidate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;
import org.vvmhost.testing.EtcdClusterExtension;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.SystemClock;

/**
 * etcd keeps leases alive across its own leader elections, and so must we: in a 3-member cluster, the member that
 * leads Raft is killed and started again, ten times, and our leader must hold its term through every election. No
 * keepalive succeeds until etcd has a new leader (up to two election timeouts; the cluster's is 500 ms, as a TTL of a
 * few seconds needs), so the keeper must retry at once, not wait for its next round.
 */
class EtcdLeaderChangeTest {

    @RegisterExtension
    static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension();

    private static final Logger LOG = LoggerFactory.getLogger(EtcdLeaderChangeTest.class);
    private static final TestTiming TIMING = TestTiming.current();
    private static final int KILLS = 10;
    private static SystemClock systemClock;

    @BeforeAll
    static void startClock() {
        systemClock = SystemClock.create("etcd-leader-change-clock");
    }

    @AfterAll
    static void stopClock() {
        systemClock.close();
    }

    @ParameterizedTest(name = "lease TTL {0}s")
    @ValueSource(ints = {10, 4})
    void ourLeaderHoldsItsTermWhileEtcdsLeaderIsKilledTenTimes(int ttlSeconds) {
        LeaseSettings lease = LeaseSettings.ofTtl(Duration.ofSeconds(ttlSeconds));
        String election = EtcdTestSupport.freshElection("leader-change-" + ttlSeconds);
        CLUSTER.put(election + "-data/epoch", "1");
        RecordingClock clock = new RecordingClock(systemClock, lease.renewDeadline());
        EtcdSettings settings = new EtcdSettings(CLUSTER.endpoints(), election, lease, Optional.empty(),
                Optional.empty());
        try (Leadership leadership = EtcdLeaderships.connect(settings, candidate("a"), clock)) {
            Term term = leadership.campaign().elected().orTimeout(TIMING.startBudget().toMillis(),
                    TimeUnit.MILLISECONDS).join();
            List<Duration> blackouts = new ArrayList<>();
            for (int kill = 1; kill <= KILLS; kill++) {
                int member = CLUSTER.awaitLeader();
                long killed = clock.nanoTime();

                CLUSTER.kill(member);

                Awaitility.await("kill " + kill + ": a keepalive sent after it succeeds, or the term is lost")
                        .atMost(TIMING.scaled(lease.ttl()))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> term.lost().isDone() || renewedSince(clock, lease, killed));
                assertThat(term.lost()).as("kill %d of etcd's leader (member %d), TTL %ds", kill, member, ttlSeconds)
                        .isNotDone();
                blackouts.add(Duration.ofNanos(clock.nanoTime() - killed));
                CLUSTER.start(member);
            }
            assertThat(term.status()).isEqualTo(Term.Status.LEADING);
            term.write(List.of(WriteOp.put("survived", "yes".getBytes(StandardCharsets.UTF_8))))
                    .orTimeout(TIMING.eventBudget().toMillis(), TimeUnit.MILLISECONDS).join();
            Collections.sort(blackouts);
            LOG.info("TTL {}s: our leader held its term through {} kills of etcd's leader; from a kill to the first "
                    + "renewal sent after it: median {} ms, max {} ms (renew deadline {} ms)", ttlSeconds, KILLS,
                    blackouts.get(KILLS / 2).toMillis(), blackouts.get(KILLS - 1).toMillis(),
                    lease.renewDeadline().toMillis());
            term.release().orTimeout(TIMING.eventBudget().toMillis(), TimeUnit.MILLISECONDS).join();
        }
    }

    /** Whether the last renewal (the deadline it armed, minus the deadline) was sent after {@code nanos}. */
    private static boolean renewedSince(RecordingClock clock, LeaseSettings lease, long nanos) {
        return clock.lastDeadlineNanos() - lease.renewDeadline().toNanos() > nanos;
    }
}
