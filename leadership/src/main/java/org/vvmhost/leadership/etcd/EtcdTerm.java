package org.vvmhost.leadership.etcd;

import static org.vvmhost.leadership.etcd.ElectionLayout.bytes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.WriteOp;

/** A won candidacy: its key leads while the lease lives, the key exists and the renew deadline holds. */
final class EtcdTerm implements Term {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdTerm.class);

    private final Candidacy candidacy;
    private final KV kv;
    private final Lease leases;
    private final Watch watches;
    private final ElectionLayout layout;
    private final Duration releaseBound;
    private final Executor notifier;
    private final CompletableFuture<LeadershipLostException> lost = new CompletableFuture<>();
    private final AtomicReference<CompletableFuture<Void>> release = new AtomicReference<>();
    private final AtomicBoolean watchClosing = new AtomicBoolean();
    private final AtomicBoolean closingUnderneath = new AtomicBoolean();
    private volatile Watch.Watcher watcher;

    EtcdTerm(Candidacy candidacy, KV kv, Lease leases, Watch watches, ElectionLayout layout, Duration releaseBound,
            Executor notifier) {
        this.candidacy = candidacy;
        this.kv = kv;
        this.leases = leases;
        this.watches = watches;
        this.layout = layout;
        this.releaseBound = releaseBound;
        this.notifier = notifier;
    }

    /** Watches the leader key from {@code revision} on and arms the loss handling. Call once, before use. */
    void start(long revision) {
        candidacy.guard().lost().thenAcceptAsync(this::onLost, notifier);
        WatchOption option = WatchOption.builder().withNoPut(true).withRevision(revision).build();
        watcher = watches.watch(bytes(candidacy.key()), option, new Watch.Listener() {
            @Override
            public void onNext(WatchResponse response) {
                for (WatchEvent event : response.getEvents()) {
                    if (event.getEventType() == WatchEvent.EventType.DELETE) {
                        candidacy.guard().on(LeaseGuard.Event.KEY_DELETED, "at revision "
                                + event.getKeyValue().getModRevision());
                    }
                }
            }

            @Override
            public void onError(Throwable failure) {
                if (!watchClosing.get()) {
                    candidacy.guard().on(LeaseGuard.Event.WATCH_FAILED,
                            EtcdErrors.translate("watch " + candidacy.key(), failure).getMessage());
                }
            }

            @Override
            public void onCompleted() {
                if (!watchClosing.get()) {
                    candidacy.guard().on(LeaseGuard.Event.WATCH_ENDED, null);
                }
            }
        });
        if (watchClosing.get()) {
            // The term ended while the watch was being set up.
            watcher.close();
        }
    }

    @Override
    public long fencingToken() {
        return candidacy.createRevision();
    }

    @Override
    public String leaderKey() {
        return candidacy.key();
    }

    @Override
    public Status status() {
        return candidacy.guard().status();
    }

    @Override
    public CompletableFuture<LeadershipLostException> lost() {
        return lost;
    }

    /**
     * Ends the term as lost because its leadership object closes; a no-op if it already ended. The lease is
     * abandoned, not revoked: closing is not releasing, so a standby takes over when the TTL runs out.
     */
    void closedUnderneath() {
        closingUnderneath.set(true);
        candidacy.stopKeepalive();
        candidacy.guard().on(LeaseGuard.Event.CLOSED, null);
    }

    private void onLost(LeadershipLostException reason) {
        LOG.warn("leadership lost: {}", reason.getMessage());
        closeWatch();
        lost.complete(reason);
        if (!closingUnderneath.get()) {
            // Best effort, so that a standby need not wait for the TTL; the lease expires anyway.
            candidacy.abandon(releaseBound);
        }
    }

    @Override
    public CompletableFuture<Void> release() {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!release.compareAndSet(null, mine)) {
            return release.get();
        }
        if (!candidacy.guard().release()) {
            mine.complete(null);
            return mine;
        }
        closeWatch();
        candidacy.stopKeepalive();
        ByteSequence key = bytes(candidacy.key());
        CompletableFuture<Throwable> resign = kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(fencingToken())))
                .Then(Op.delete(key, DeleteOption.DEFAULT))
                .commit()
                .handle((reply, failure) -> failure);
        resign.thenCompose(resignFailure -> leases.revoke(candidacy.leaseId()).handle((reply, revokeFailure) -> {
            if (revokeFailure == null || EtcdErrors.isLeaseGone(revokeFailure)) {
                return null;
            }
            return resignFailure != null ? resignFailure : revokeFailure;
        }))
                .orTimeout(releaseBound.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((failure, timeout) -> {
                    Throwable problem = timeout != null ? timeout : failure;
                    if (problem == null) {
                        LOG.info("leadership released: resigned {} and revoked its lease", candidacy.key());
                        mine.complete(null);
                    } else {
                        mine.completeExceptionally(EtcdErrors.translate(
                                "release of " + candidacy.key() + " (the lease expires within its TTL)", problem));
                    }
                }, notifier);
        return mine;
    }

    @Override
    public CompletableFuture<Void> write(List<WriteOp> ops) {
        Objects.requireNonNull(ops, "ops");
        Status now = status();
        if (now == Status.LOST || now == Status.RELEASED) {
            return CompletableFuture.failedFuture(new FencedWriteRejectedException(fencingToken(),
                    "write refused: the term of " + candidacy.key() + " is " + now + "; nothing was written"));
        }
        Op[] thenOps = ops.stream().map(this::toOp).toArray(Op[]::new);
        return kv.txn()
                .If(new Cmp(bytes(candidacy.key()), Cmp.Op.EQUAL, CmpTarget.createRevision(fencingToken())))
                .Then(thenOps)
                .commit()
                .handle((reply, failure) -> {
                    if (failure != null) {
                        throw EtcdErrors.translate("fenced write", failure);
                    }
                    if (!reply.isSucceeded()) {
                        throw new FencedWriteRejectedException(fencingToken(), "write fenced off: "
                                + candidacy.key() + " no longer exists with create revision " + fencingToken()
                                + ", so this term no longer leads; nothing was written");
                    }
                    return null;
                });
    }

    private Op toOp(WriteOp op) {
        if (op instanceof WriteOp.Put put) {
            return Op.put(bytes(layout.dataKey(put.key())), ByteSequence.from(put.value()), PutOption.DEFAULT);
        }
        if (op instanceof WriteOp.Delete delete) {
            return Op.delete(bytes(layout.dataKey(delete.key())), DeleteOption.DEFAULT);
        }
        if (op instanceof WriteOp.DeleteRange range) {
            return Op.delete(bytes(layout.dataKey(range.from())),
                    DeleteOption.builder().withRange(bytes(layout.dataKey(range.to()))).build());
        }
        WriteOp.DeletePrefix prefix = (WriteOp.DeletePrefix) op;
        return Op.delete(bytes(layout.dataKey(prefix.prefix())), DeleteOption.builder().isPrefix(true).build());
    }

    private void closeWatch() {
        if (watchClosing.compareAndSet(false, true)) {
            Watch.Watcher current = watcher;
            if (current != null) {
                current.close();
            }
        }
    }

    @Override
    public String toString() {
        return "EtcdTerm[" + candidacy.key() + ", token " + fencingToken() + ", " + status() + "]";
    }
}
