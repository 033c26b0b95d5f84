package org.vvmhost.leadership.etcd;

import io.etcd.jetcd.KeyValue;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.vvmhost.leadership.Candidate;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.testing.EtcdExtension;

/** Shared helpers of the etcd leadership tests. */
final class EtcdTestSupport {

    /** etcd's minimum, to keep the tests fast. */
    static final LeaseSettings LEASE = LeaseSettings.ofTtl(Duration.ofSeconds(2));

    private static final AtomicInteger ELECTIONS = new AtomicInteger();

    private EtcdTestSupport() {
    }

    /** A fresh election name, so that tests sharing one etcd never see each other's keys. */
    static String freshElection(String test) {
        return "vvm-test/" + test + "-" + ProcessHandle.current().pid() + "-" + ELECTIONS.incrementAndGet();
    }

    /**
     * A fresh election whose data already holds fencing epoch 1, as after its first leader: its first leader then
     * does not wait out the lock-delay that a fresh or wiped etcd costs (see {@code EtcdIncarnationTest}).
     */
    static String establishedElection(EtcdExtension etcd, String test) {
        String election = freshElection(test);
        etcd.put(election + "-data/epoch", "1");
        return election;
    }

    static EtcdSettings settings(URI endpoint, String election) {
        return new EtcdSettings(List.of(endpoint), election, LEASE, Optional.empty(), Optional.empty());
    }

    static Candidate candidate(String id) {
        return new Candidate(id, "test-host", ProcessHandle.current().pid(), Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** The value of {@code future}, which must come within {@code budget}. */
    static <T> T await(CompletableFuture<T> future, Duration budget) {
        try {
            return future.get(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("expected an event within " + budget, e);
        }
    }

    /** The candidate key whose value names {@code candidateId}, if any. */
    static Optional<KeyValue> keyOf(EtcdExtension etcd, String election, String candidateId) {
        for (KeyValue kv : etcd.getPrefix(election + "/")) {
            Optional<CandidateValue> value = CandidateValue.parse(kv.getValue().getBytes());
            if (value.isPresent() && value.get().id().equals(candidateId)) {
                return Optional.of(kv);
            }
        }
        return Optional.empty();
    }
}
