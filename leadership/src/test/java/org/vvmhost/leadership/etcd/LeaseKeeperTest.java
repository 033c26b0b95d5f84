package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.vvmhost.leadership.Term.Status;
import org.vvmhost.time.ManualClock;

/** The keeper against a scripted lease client: replies arrive when the test says so, on a manual clock. */
class LeaseKeeperTest {

    // Long enough that the keeper's real-time reply bound never fires while a test runs.
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

    private static LeaseKeepAliveResponse reply(long ttlSeconds) {
        return new LeaseKeepAliveResponse(io.etcd.jetcd.api.LeaseKeepAliveResponse.newBuilder()
                .setID(LEASE_ID).setTTL(ttlSeconds).build());
    }

    @Test
    void aSlowReplyExtendsTheDeadlineOnlyFromWhenItsRequestWasSent() {
        long granted = clock.nanoTime();
        LeaseGuard guard = new LeaseGuard(clock, DEADLINE, granted, "election/1", status -> { });
        LeaseKeeper keeper = new LeaseKeeper(leases, LEASE_ID, clock, PERIOD, guard, new EtcdIdentity(clock));
        guard.start();
        keeper.start();

        clock.advance(PERIOD);
        CompletableFuture<LeaseKeepAliveResponse> first = requests.poll();
        assertThat(first).as("a keepalive is sent after one period").isNotNull();
        Duration slowness = Duration.ofSeconds(2);
        clock.advance(slowness);
        first.complete(reply(30));
        keeper.stop();

        // The server renewed the lease no later than the reply came, and no earlier than the request went.
        // Only the send time is safe: the deadline must fall at PERIOD + DEADLINE after the grant.
        clock.advance(DEADLINE.minus(slowness).minusMillis(1));
        assertThat(guard.status()).isEqualTo(Status.LEADING);
        clock.advance(Duration.ofMillis(1));
        assertThat(guard.status()).isEqualTo(Status.LOST);
    }

    @Test
    void aReplyWithoutTtlIsALoss() {
        LeaseGuard guard = new LeaseGuard(clock, DEADLINE, clock.nanoTime(), "election/1", status -> { });
        LeaseKeeper keeper = new LeaseKeeper(leases, LEASE_ID, clock, PERIOD, guard, new EtcdIdentity(clock));
        guard.start();
        keeper.start();

        clock.advance(PERIOD);
        requests.remove().complete(reply(0));
        keeper.stop();

        assertThat(guard.status()).isEqualTo(Status.LOST);
        assertThat(guard.lost().join().getMessage()).contains("gone");
    }
}
