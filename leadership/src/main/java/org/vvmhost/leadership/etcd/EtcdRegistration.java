package org.vvmhost.leadership.etcd;

import static org.vvmhost.leadership.etcd.ElectionLayout.bytes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.LeaseObserver;
import org.vvmhost.leadership.Registration;
import org.vvmhost.leadership.RegistrationConflictException;
import org.vvmhost.leadership.Term;
import org.vvmhost.time.Clock;

/**
 * A registration on etcd: a lease of its own, a key created on it only if absent, and the candidate's keepalive and
 * guard (a local renew deadline on the injected clock). It owns its jetcd client.
 */
final class EtcdRegistration implements Registration {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdRegistration.class);

    private final Client client;
    private final String key;
    private final long leaseId;
    private final LeaseGuard guard;
    private final LeaseKeeper keeper;
    private final Clock clock;
    private final Duration timeout;
    private final AtomicReference<CompletableFuture<Void>> revoked = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private EtcdRegistration(Client client, String key, long leaseId, LeaseGuard guard, LeaseKeeper keeper,
                             Clock clock, Duration timeout) {
        this.client = client;
        this.key = key;
        this.leaseId = leaseId;
        this.guard = guard;
        this.keeper = keeper;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Grants the lease, creates the key on it, and starts the keepalive; each call bounded by the lease's TTL. */
    static Registration open(EtcdSettings settings, String relativeKey, byte[] value, Clock clock) {
        ElectionLayout layout = new ElectionLayout(settings.election());
        String absolute = layout.dataKey(relativeKey);
        Duration timeout = settings.lease().ttl();
        Client client = EtcdLeaderships.client(settings);
        long leaseId = 0;
        try {
            long grantedFrom = clock.nanoTime();
            leaseId = await(client.getLeaseClient().grant(timeout.toSeconds()), timeout, "grant a lease").getID();
            long lease = leaseId;
            TxnResponse created = await(client.getKVClient().txn()
                    .If(new Cmp(bytes(absolute), Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(bytes(absolute), ByteSequence.from(value), PutOption.builder().withLeaseId(lease)
                            .build()))
                    .Else(Op.get(bytes(absolute), GetOption.DEFAULT))
                    .commit(), timeout, "register " + absolute);
            if (!created.isSucceeded()) {
                long holder = created.getGetResponses().get(0).getKvs().stream().findFirst()
                        .map(kv -> kv.getLease()).orElse(0L);
                throw new RegistrationConflictException("the key " + absolute + " is registered already, on lease "
                        + Long.toHexString(holder) + " of another process; give each process its own id, or wait for "
                        + "that lease to expire (its TTL)");
            }
            Duration renewDeadline = settings.lease().renewDeadline();
            LeaseGuard guard = new LeaseGuard(clock, renewDeadline, grantedFrom, absolute,
                    status -> LOG.info("registration {}: {}", absolute, status));
            LeaseKeeper keeper = new LeaseKeeper(client.getLeaseClient(), leaseId, clock,
                    renewDeadline.dividedBy(LeaseKeeper.RENEWALS_PER_DEADLINE), guard, new EtcdIdentity(clock),
                    LeaseObserver.NONE);
            guard.start();
            keeper.start();
            LOG.info("registered {} on lease {} (TTL {} s)", absolute, Long.toHexString(leaseId), timeout.toSeconds());
            return new EtcdRegistration(client, relativeKey, leaseId, guard, keeper, clock, timeout);
        } catch (RuntimeException e) {
            if (leaseId != 0) {
                Candidacy.revoke(client.getLeaseClient(), leaseId, timeout, clock).join();
            }
            client.close();
            throw e;
        }
    }

    private static <T> T await(CompletableFuture<T> call, Duration timeout, String action) {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeadershipException("interrupted: " + action, e);
        } catch (ExecutionException | TimeoutException e) {
            throw EtcdErrors.translate(action, e);
        }
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String lease() {
        return Long.toHexString(leaseId);
    }

    @Override
    public Term.Status status() {
        return guard.status();
    }

    @Override
    public CompletableFuture<LeadershipLostException> lost() {
        return guard.lost();
    }

    @Override
    public CompletableFuture<Void> revoke() {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!revoked.compareAndSet(null, mine)) {
            return revoked.get();
        }
        if (!guard.release()) {
            mine.complete(null);
            return mine;
        }
        keeper.stop();
        clock.orTimeout(client.getLeaseClient().revoke(leaseId), timeout).whenComplete((reply, failure) -> {
            if (failure == null || EtcdErrors.isLeaseGone(failure)) {
                LOG.info("deregistered: revoked lease {} of {}", Long.toHexString(leaseId), key);
                mine.complete(null);
            } else {
                mine.completeExceptionally(EtcdErrors.translate("revoke lease " + Long.toHexString(leaseId) + " of "
                        + key + " (it expires within its TTL)", failure));
            }
        });
        return mine;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            keeper.stop();
            guard.on(LeaseGuard.Event.CLOSED, null);
            client.close();
        }
    }
}
