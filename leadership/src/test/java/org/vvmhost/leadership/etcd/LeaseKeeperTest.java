package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.grpc.StatusRuntimeException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.LeaseObserver;
import org.vvmhost.leadership.Term.Status;
import org.vvmhost.time.ManualClock;

/** The keeper against a scripted lease client: replies arrive when the test says so, on a manual clock. */
class LeaseKeeperTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration PERIOD = DEADLINE.dividedBy(3);
    private static final long LEASE_ID = 0x1234L;

    private final ManualClock clock = new ManualClock();
    private final BlockingQueue<CompletableFuture<LeaseKeepAliveResponse>> requests = new LinkedBlockingQueue<>();
    private final Lease leases = (Lease) Proxy.newProxyInstance(Lease.class.getClassLoader(),
            new Class<?>[] {Lease.class}, (proxy, method, args) -> {
                if (method.getName().equals("keepAliveOnce")) {
                    CompletableFuture<LeaseKeepAliveResponse> reply = new CompletableFuture<>();
                    requests.add(reply);
                    return reply;
                }
                throw new UnsupportedOperationException(method.getName());
            });

    /** What the keeper told its observer: the round trip in milliseconds of a renewal, or -1 for a failure. */
    private final List<Long> observed = new ArrayList<>();
    private final LeaseObserver observer = new LeaseObserver() {
        @Override
        public void renewed(Duration roundTrip) {
            observed.add(roundTrip.toMillis());
        }

        @Override
        public void renewalFailed() {
            observed.add(-1L);
        }
    };

    /** A keeper of the scripted lease, started with {@code guard}. */
    private LeaseKeeper started(LeaseGuard guard) {
        LeaseKeeper keeper = new LeaseKeeper(leases, LEASE_ID, clock, PERIOD, guard, new EtcdIdentity(clock),
                observer);
        guard.start();
        keeper.start();
        return keeper;
    }

    private static LeaseKeepAliveResponse reply(long ttlSeconds) {
        return new LeaseKeepAliveResponse(io.etcd.jetcd.api.LeaseKeepAliveResponse.newBuilder()
                .setID(LEASE_ID).setTTL(ttlSeconds).build());
    }

    @Test
    void aSlowReplyExtendsTheDeadlineOnlyFromWhenItsRequestWasSent() {
        long granted = clock.nanoTime();
        LeaseGuard guard = new LeaseGuard(clock, DEADLINE, granted, "election/1", status -> { });
        LeaseKeeper keeper = started(guard);

        clock.advance(PERIOD);
        CompletableFuture<LeaseKeepAliveResponse> first = requests.poll();
        assertThat(first).as("a keepalive is sent after one period").isNotNull();
        Duration slowness = Duration.ofSeconds(2);
        clock.advance(slowness);
        first.complete(reply(30));
        keeper.stop();
        assertThat(observed).as("its round trip").containsExactly(slowness.toMillis());

        // The server renewed the lease no later than the reply came, and no earlier than the request went.
        // Only the send time is safe: the deadline must fall at PERIOD + DEADLINE after the grant.
        clock.advance(DEADLINE.minus(slowness).minusMillis(1));
        assertThat(guard.status()).isEqualTo(Status.LEADING);
        clock.advance(Duration.ofMillis(1));
        assertThat(guard.status()).isEqualTo(Status.LOST);
    }

    @Test
    void aFailedKeepaliveIsRetriedAtOnceWithShortBackoffUntilOneSucceeds() {
        List<Status> changes = new ArrayList<>();
        LeaseGuard guard = new LeaseGuard(clock, DEADLINE, clock.nanoTime(), "election/1", changes::add);
        LeaseKeeper keeper = started(guard);
        clock.advance(PERIOD);

        // etcd's leader died: the member answers UNAVAILABLE at once, four times; then one renews.
        for (Duration backoff : List.of(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(200))) {
            requests.remove().completeExceptionally(new StatusRuntimeException(io.grpc.Status.UNAVAILABLE));
            assertThat(guard.status()).isEqualTo(Status.SUSPENDED);
            clock.advance(backoff.minusMillis(1));
            assertThat(requests).as("no retry before %s", backoff).isEmpty();
            clock.advance(Duration.ofMillis(1));
            assertThat(requests).as("a retry after %s", backoff).hasSize(1);
        }
        long lastSent = clock.nanoTime();
        requests.remove().complete(reply(30));

        assertThat(changes).containsExactly(Status.SUSPENDED, Status.LEADING);
        assertThat(observed).as("four failures, then a renewal answered at once").containsExactly(-1L, -1L, -1L, -1L,
                0L);
        clock.advance(PERIOD.minusMillis(1));
        assertThat(requests).as("back to one keepalive a period").isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(requests).hasSize(1);
        assertThat(clock.nanoTime() - lastSent).isEqualTo(PERIOD.toNanos());
        keeper.stop();
    }

    @Test
    void aKeepaliveThatHangsIsAbandonedAfterAPeriodOnTheClockAndRetried() {
        LeaseGuard guard = new LeaseGuard(clock, DEADLINE, clock.nanoTime(), "election/1", status -> { });
        LeaseKeeper keeper = started(guard);
        clock.advance(PERIOD);
        CompletableFuture<LeaseKeepAliveResponse> hung = requests.remove();

        clock.advance(PERIOD.minusMillis(1));
        assertThat(guard.status()).isEqualTo(Status.LEADING);
        clock.advance(Duration.ofMillis(1));
        assertThat(guard.status()).as("abandoned at the period").isEqualTo(Status.SUSPENDED);
        clock.advance(LeaseKeeper.FIRST_RETRY_DELAY);

        assertThat(requests).as("retried").hasSize(1);
        assertThat(hung).as("the abandoned call is ended, which closes its stream").isCompletedExceptionally();
        keeper.stop();
    }

    @Test
    void retriesEndWhenTheRenewDeadlinePasses() {
        LeaseGuard guard = new LeaseGuard(clock, DEADLINE, clock.nanoTime(), "election/1", status -> { });
        LeaseKeeper keeper = started(guard);
        clock.advance(PERIOD);
        while (guard.status() != Status.LOST) {
            CompletableFuture<LeaseKeepAliveResponse> request = requests.poll();
            if (request != null) {
                request.completeExceptionally(new StatusRuntimeException(io.grpc.Status.UNAVAILABLE));
            }
            clock.advance(Duration.ofMillis(50));
        }
        requests.forEach(request -> request.completeExceptionally(
                new StatusRuntimeException(io.grpc.Status.UNAVAILABLE)));

        clock.advance(DEADLINE);
        assertThat(guard.lost().join().getMessage()).contains("renew deadline of 30s");
        assertThat(clock.pendingTasks()).as("nothing scheduled after the loss").isZero();
    }

    @Test
    void aReplyWithoutTtlIsALoss() {
        LeaseGuard guard = new LeaseGuard(clock, DEADLINE, clock.nanoTime(), "election/1", status -> { });
        LeaseKeeper keeper = started(guard);

        clock.advance(PERIOD);
        requests.remove().complete(reply(0));
        keeper.stop();

        assertThat(guard.status()).isEqualTo(Status.LOST);
        assertThat(guard.lost().join().getMessage()).contains("gone");
    }
}
