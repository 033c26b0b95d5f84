package org.vvmhost.testing;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 3-member etcd cluster of the local {@code etcd} binary on loopback ports, for one test class. Its Raft timing is
 * etcd's tuning guide's for a fast network (heartbeat 50 ms, election timeout 500 ms, so a new leader within about a
 * second), as a deployment with leases of a few seconds needs: no keepalive succeeds while etcd elects a leader. A test
 * finds the member that leads Raft through the maintenance status API, kills it and starts it again:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EtcdClusterExtension CLUSTER = new EtcdClusterExtension();
 * }</pre>
 *
 * <p>Without the binary the class is skipped, or fails under {@code VVM_REQUIRE_ETCD=1}, as with {@link EtcdExtension}.
 */
public final class EtcdClusterExtension implements BeforeAllCallback, AfterAllCallback {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdClusterExtension.class);
    private static final int SIZE = 3;

    private final List<LocalEtcdServer> members = new ArrayList<>();
    private Client admin;

    @Override
    public void beforeAll(ExtensionContext context) {
        Path binary = EtcdExtension.requireBinary();
        List<LocalEtcdServer.Member> cluster = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            cluster.add(LocalEtcdServer.Member.onFreePorts("vvm-test-" + i));
        }
        String token = "vvm-test-cluster-" + cluster.get(0).clientPort();
        EtcdConfig config = new EtcdConfig(List.of("--heartbeat-interval", "50", "--election-timeout", "500"),
                java.util.Optional.empty());
        for (LocalEtcdServer.Member member : cluster) {
            members.add(new LocalEtcdServer(binary, member, cluster, token, config));
        }
        // Started together: a fresh member is healthy only once a quorum has formed.
        members.forEach(LocalEtcdServer::start);
        members.forEach(member -> EtcdHealth.awaitHealthy(member, member::isRunning));
        LOG.info("etcd cluster for {}: {}", context.getDisplayName(), endpoints());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            members.forEach(LocalEtcdServer::close);
            members.clear();
        }
    }

    /** Every member's client URL. */
    public List<URI> endpoints() {
        return members.stream().map(LocalEtcdServer::endpoint).toList();
    }

    /** The index of the member that leads Raft now, if the running members agree on one. */
    public OptionalInt leader() {
        long leaderId = -1;
        long[] ids = new long[SIZE];
        for (int i = 0; i < SIZE; i++) {
            if (!members.get(i).isRunning()) {
                continue;
            }
            StatusResponse status;
            try {
                status = admin().getMaintenanceClient().statusMember(members.get(i).endpoint().getAuthority())
                        .get(TestTiming.current().eventBudget().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalInt.empty();
            } catch (ExecutionException | TimeoutException e) {
                return OptionalInt.empty();
            }
            ids[i] = status.getHeader().getMemberId();
            if (leaderId != -1 && leaderId != status.getLeader()) {
                return OptionalInt.empty();
            }
            leaderId = status.getLeader();
        }
        for (int i = 0; i < SIZE; i++) {
            if (ids[i] == leaderId && leaderId != 0) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** Waits until the running members agree on a leader, and returns its index. */
    public int awaitLeader() {
        return Awaitility.await("an etcd leader among " + endpoints())
                .atMost(TestTiming.current().startBudget())
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(this::leader, OptionalInt::isPresent)
                .getAsInt();
    }

    /** Like {@code etcdctl put}. */
    public void put(String key, String value) {
        try {
            admin().getKVClient().put(EtcdExtension.bytes(key), EtcdExtension.bytes(value))
                    .get(TestTiming.current().eventBudget().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to etcd", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("etcd admin call failed: " + e, e);
        }
    }

    /** Kills member {@code index} (SIGKILL), keeping its data. */
    public void kill(int index) {
        members.get(index).kill();
    }

    /** Starts member {@code index} again on its data and ports; returns once it is healthy. */
    public void start(int index) {
        members.get(index).start();
    }

    private synchronized Client admin() {
        if (admin == null) {
            admin = Client.builder().endpoints(endpoints().toArray(URI[]::new)).build();
        }
        return admin;
    }
}
