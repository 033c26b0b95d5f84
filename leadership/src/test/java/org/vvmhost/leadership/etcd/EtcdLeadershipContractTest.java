package org.vvmhost.leadership.etcd;

import static org.vvmhost.leadership.etcd.EtcdTestSupport.LEASE;

import io.etcd.jetcd.KeyValue;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.DataStore;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipContract;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.ForwardingLeadership;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.SystemClock;

/** The Leadership contract, against a real etcd. */
class EtcdLeadershipContractTest extends LeadershipContract {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static SystemClock clock;

    private String election;
    private final Set<String> closedCandidates = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startClock() {
        clock = SystemClock.create("etcd-contract-clock");
    }

    @AfterAll
    static void stopClock() {
        clock.close();
    }

    @BeforeEach
    void freshElection(TestInfo test) {
        election = EtcdTestSupport.establishedElection(ETCD, test.getTestMethod().orElseThrow().getName());
    }

    @Override
    protected Leadership join(Candidate candidate) {
        Leadership leadership = new ClosingTracked(
                EtcdLeaderships.connect(EtcdTestSupport.settings(ETCD.endpoint(), election), candidate, clock));
        return leadership;
    }

    @Override
    protected boolean revoke(String candidateId) {
        Optional<KeyValue> key = EtcdTestSupport.keyOf(ETCD, election, candidateId);
        key.ifPresent(kv -> ETCD.revokeLease(kv.getLease()));
        return key.isPresent();
    }

    /** Waits, on etcd's own expiry, until no key of a closed candidate remains. */
    @Override
    protected void awaitLeaseExpiry() {
        Awaitility.await("leases of closed candidates " + closedCandidates + " expire")
                .atMost(TestTiming.current().scaled(LEASE.ttl().plusSeconds(3)))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> closedCandidates.stream()
                        .noneMatch(id -> EtcdTestSupport.keyOf(ETCD, election, id).isPresent()));
    }

    @Override
    protected void awaitInLine(String candidateId) {
        Awaitility.await(candidateId + " enters the election").atMost(eventTimeout())
                .pollInterval(Duration.ofMillis(20))
                .until(() -> EtcdTestSupport.keyOf(ETCD, election, candidateId).isPresent());
    }

    /** Waits, on etcd's own expiry of the intent's lease, until the intent is gone. */
    @Override
    protected void awaitIntentExpiry(Duration validFor) {
        Awaitility.await("the switchover intent expires").atMost(TestTiming.current().scaled(validFor.plusSeconds(3)))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> ETCD.get(election + "-data/" + DataStore.SWITCHOVER_KEY).isEmpty());
    }

    @Override
    protected Duration eventTimeout() {
        return TestTiming.current().eventBudget();
    }

    /** Notes which candidates closed, so that {@link #awaitLeaseExpiry()} knows whose keys must go. */
    private final class ClosingTracked extends ForwardingLeadership {

        ClosingTracked(Leadership delegate) {
            super(delegate);
        }

        @Override
        public void close() {
            closedCandidates.add(candidate().id());
            super.close();
        }
    }
}
