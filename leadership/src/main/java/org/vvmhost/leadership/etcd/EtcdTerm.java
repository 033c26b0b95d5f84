package org.vvmhost.leadership.etcd;

import static org.vvmhost.leadership.etcd.ElectionLayout.bytes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.FencedWriteRejectedException;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeadershipLostException;
import org.vvmhost.leadership.SwitchoverIntent;
import org.vvmhost.leadership.Term;
import org.vvmhost.leadership.UnknownCandidateException;
import org.vvmhost.leadership.WriteConditionFailedException;
import org.vvmhost.leadership.WriteOp;

/**
 * A won candidacy: its key leads while the lease lives, the key exists, the renew deadline holds and etcd's history
 * does not break. Its writes are fenced on both halves of its token: the leader key's create revision and the
 * election's epoch. While it leads, it compacts etcd's history behind it.
 */
final class EtcdTerm implements Term {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdTerm.class);
    private static final Duration RECHECK_DELAY = Duration.ofMillis(200);

    private final Candidacy candidacy;
    private final FencingToken token;
    private final EtcdContext context;
    private final ByteSequence key;
    private final Compactor compactor;
    private final CompletableFuture<LeadershipLostException> lost = new CompletableFuture<>();
    private final AtomicReference<CompletableFuture<Void>> release = new AtomicReference<>();
    private final AtomicBoolean watchClosing = new AtomicBoolean();
    private final AtomicBoolean closingUnderneath = new AtomicBoolean();
    private volatile Watch.Watcher watcher;

    EtcdTerm(Candidacy candidacy, FencingToken token, EtcdContext context) {
        this.candidacy = candidacy;
        this.token = token;
        this.context = context;
        this.key = bytes(candidacy.key());
        this.compactor = new Compactor(context.kv(), context.identity(), context.clock(),
                context.settings().compactionRetention(), context.layout().epochKey());
    }

    /**
     * Watches the leader key from {@code revision} on, arms the loss handling and starts compacting. Call once,
     * before use.
     */
    void start(long revision) {
        candidacy.guard().lost().thenAcceptAsync(this::onLost, context.notifier());
        watchKey(revision);
        compactor.start();
    }

    private void watchKey(long revision) {
        WatchOption option = WatchOption.builder().withNoPut(true).withRevision(revision).build();
        EtcdIdentity.Known sent = context.identity().mark();
        AtomicBoolean compacted = new AtomicBoolean();
        watcher = context.watches().watch(key, option, new Watch.Listener() {
            @Override
            public void onNext(WatchResponse response) {
                context.identity().observe(sent, response.getHeader(), false);
                for (WatchEvent event : response.getEvents()) {
                    if (event.getEventType() == WatchEvent.EventType.DELETE) {
                        candidacy.guard().on(LeaseGuard.Event.KEY_DELETED, "at revision "
                                + event.getKeyValue().getModRevision());
                    }
                }
            }

            @Override
            public void onError(Throwable failure) {
                if (watchClosing.get()) {
                    return;
                }
                if (EtcdErrors.unwrap(failure) instanceof CompactedException) {
                    // It resumed from a revision compacted meanwhile; it ends next, and we look again.
                    compacted.set(true);
                    return;
                }
                candidacy.guard().on(LeaseGuard.Event.WATCH_FAILED,
                        EtcdErrors.translate("watch " + candidacy.key(), failure).getMessage());
            }

            @Override
            public void onCompleted() {
                if (watchClosing.get()) {
                    return;
                }
                if (compacted.get()) {
                    recheck();
                } else {
                    candidacy.guard().on(LeaseGuard.Event.WATCH_ENDED, null);
                }
            }
        });
        if (watchClosing.get()) {
            // The term ended while the watch was being set up.
            watcher.close();
        }
    }

    /**
     * After the watch fell behind a compaction: reads the key, then watches again from just after that read, so that
     * no deletion falls between the two.
     */
    private void recheck() {
        context.identity().track(() -> context.kv().get(key), true).whenComplete((reply, failure) -> {
            if (watchClosing.get()) {
                return;
            }
            if (failure != null) {
                candidacy.guard().on(LeaseGuard.Event.WATCH_FAILED,
                        EtcdErrors.translate("read " + candidacy.key(), failure).getMessage());
                if (!candidacy.guard().ended()) {
                    context.clock().schedule(RECHECK_DELAY, this::recheck);
                }
            } else if (reply.getKvs().isEmpty() || reply.getKvs().get(0).getCreateRevision() != token.revision()) {
                candidacy.guard().on(LeaseGuard.Event.KEY_DELETED, "found gone at revision "
                        + reply.getHeader().getRevision());
            } else {
                watchKey(reply.getHeader().getRevision() + 1);
            }
        });
    }

    @Override
    public FencingToken fencingToken() {
        return token;
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

    @Override
    public Optional<Duration> renewDeadlineSlack() {
        return candidacy.guard().slack();
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
        compactor.stop();
        closeWatch();
        lost.complete(reason);
        if (!closingUnderneath.get()) {
            // Best effort, so that a standby need not wait for the TTL; the lease expires anyway.
            candidacy.abandon(context.operationTimeout());
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
        compactor.stop();
        closeWatch();
        candidacy.stopKeepalive();
        CompletableFuture<Throwable> resign = context.kv().txn()
                .If(ownKey())
                .Then(Op.delete(key, DeleteOption.DEFAULT))
                .commit()
                .handle((reply, failure) -> failure);
        CompletableFuture<Throwable> revoked = resign.thenCompose(resignFailure -> context.leases()
                .revoke(candidacy.leaseId()).handle((reply, revokeFailure) -> {
                    if (revokeFailure == null || EtcdErrors.isLeaseGone(revokeFailure)) {
                        return null;
                    }
                    return resignFailure != null ? resignFailure : revokeFailure;
                }));
        context.clock().orTimeout(revoked, context.operationTimeout())
                .whenCompleteAsync((failure, timeout) -> {
                    Throwable problem = timeout != null ? timeout : failure;
                    if (problem == null) {
                        LOG.info("leadership released: resigned {} and revoked its lease", candidacy.key());
                        mine.complete(null);
                    } else {
                        mine.completeExceptionally(EtcdErrors.translate(
                                "release of " + candidacy.key() + " (the lease expires within its TTL)", problem));
                    }
                }, context.notifier());
        return mine;
    }

    @Override
    public CompletableFuture<Void> write(List<WriteOp> ops) {
        Objects.requireNonNull(ops, "ops");
        WriteOp.refuseReserved(ops);
        Status now = status();
        if (now == Status.LOST || now == Status.RELEASED) {
            return CompletableFuture.failedFuture(new FencedWriteRejectedException(token,
                    "write refused: the term of " + candidacy.key() + " is " + now + "; nothing was written"));
        }
        List<String> owners = ops.stream().filter(WriteOp.PutBound.class::isInstance)
                .map(op -> ((WriteOp.PutBound) op).owner()).distinct().toList();
        return ownerLeases(owners)
                .thenCompose(leases -> context.identity().track(() -> context.kv().txn()
                        .If(guards(ops, leases))
                        .Then(ops.stream().filter(op -> !(op instanceof WriteOp.Expect))
                                .map(op -> toOp(op, leases)).toArray(Op[]::new))
                        .Else(Op.get(key, GetOption.DEFAULT), Op.get(bytes(context.layout().epochKey()),
                                GetOption.DEFAULT))
                        .commit(), true))
                .handle((reply, failure) -> {
                    if (failure != null) {
                        context.space().refused("a fenced write of " + candidacy.key(), failure);
                        throw EtcdErrors.translate("fenced write", failure);
                    }
                    context.space().accepted();
                    if (reply.isSucceeded()) {
                        return null;
                    }
                    if (stillLeads(reply.getGetResponses())) {
                        throw new WriteConditionFailedException("write of " + candidacy.key() + " not applied: "
                                + "a condition did not hold (" + conditions(ops) + "); nothing was written");
                    }
                    throw new FencedWriteRejectedException(token, "write fenced off: "
                            + candidacy.key() + " no longer exists with create revision " + token.revision()
                            + ", or the election's epoch is no longer " + token.epoch()
                            + ", so this term no longer leads; nothing was written");
                });
    }

    /**
     * Each owner of a bound put as read before the write, which then compares its mod revision: jetcd cannot compare
     * a lease, but a key deleted (its lease gone) or put again (a new lease) has another mod revision.
     */
    private CompletableFuture<Map<String, KeyValue>> ownerLeases(List<String> owners) {
        Map<String, KeyValue> leases = new ConcurrentHashMap<>();
        CompletableFuture<?>[] reads = owners.stream().map(owner -> context.identity()
                .track(() -> context.kv().get(bytes(context.layout().dataKey(owner))), true)
                .thenAccept(reply -> {
                    long lease = reply.getKvs().isEmpty() ? 0 : reply.getKvs().get(0).getLease();
                    if (lease == 0) {
                        throw new WriteConditionFailedException("write of " + candidacy.key() + " not applied: "
                                + "the data key '" + owner + "', to whose life a put is bound, "
                                + (reply.getKvs().isEmpty() ? "does not exist" : "has no lease")
                                + "; nothing was written");
                    }
                    leases.put(owner, reply.getKvs().get(0));
                })).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(reads).thenApply(done -> leases);
    }

    /** The fence, then each expectation, then each owner still on the lease read. */
    private Cmp[] guards(List<WriteOp> ops, Map<String, KeyValue> ownerLeases) {
        List<Cmp> guards = new ArrayList<>(List.of(ownKey(), ownEpoch()));
        ElectionLayout layout = context.layout();
        for (WriteOp op : ops) {
            if (op instanceof WriteOp.Expect expect) {
                ByteSequence at = bytes(layout.dataKey(expect.key()));
                guards.add(expect.value().isPresent()
                        ? new Cmp(at, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(expect.value().get())))
                        : new Cmp(at, Cmp.Op.EQUAL, CmpTarget.version(0)));
            }
        }
        ownerLeases.forEach((owner, read) -> guards.add(new Cmp(bytes(layout.dataKey(owner)), Cmp.Op.EQUAL,
                CmpTarget.modRevision(read.getModRevision()))));
        return guards.toArray(Cmp[]::new);
    }

    private static String conditions(List<WriteOp> ops) {
        return ops.stream().map(op -> op instanceof WriteOp.Expect expect
                        ? "'" + expect.key() + "' " + (expect.value().isPresent() ? "holds the value read" : "is absent")
                        : op instanceof WriteOp.PutBound bound ? "'" + bound.owner() + "' is unchanged since read"
                        : null)
                .filter(Objects::nonNull).distinct().collect(Collectors.joining(", "));
    }

    /**
     * Finds the named candidate's key, then writes the intent bound to a lease of its own (so that etcd expires it),
     * in a transaction fenced like every write of this term and on that key still standing as read.
     */
    @Override
    public CompletableFuture<Void> nameSuccessor(String candidateId, Duration validFor) {
        SwitchoverIntent intent = new SwitchoverIntent(Objects.requireNonNull(candidateId, "candidateId"),
                context.candidate().id(), token, context.clock().instant(), validFor);
        Status now = status();
        if (now == Status.LOST || now == Status.RELEASED) {
            return CompletableFuture.failedFuture(new FencedWriteRejectedException(token, "no successor named: the "
                    + "term of " + candidacy.key() + " is " + now + "; nothing was written"));
        }
        ElectionLayout layout = context.layout();
        GetOption everyCandidate = GetOption.builder().isPrefix(true).build();
        return context.identity().track(() -> context.kv().get(bytes(layout.candidatePrefix()), everyCandidate), true)
                .thenCompose(candidates -> {
                    KeyValue named = candidates.getKvs().stream()
                            .filter(kv -> CandidateValue.parse(kv.getValue().getBytes())
                                    .map(value -> candidateId.equals(value.id())).orElse(false))
                            .findFirst()
                            .orElseThrow(() -> new UnknownCandidateException("no candidate '" + candidateId
                                    + "' in the election " + layout.election() + "; nothing was written"));
                    long ttl = (validFor.toMillis() + 999) / 1000;
                    return context.identity().track(() -> context.leases().grant(ttl), true)
                            .thenCompose(lease -> writeIntent(intent, named, lease.getID()));
                })
                .handle((done, failure) -> {
                    if (failure != null) {
                        throw EtcdErrors.translate("name " + candidateId + " the successor of " + candidacy.key(),
                                failure);
                    }
                    LOG.info("{}: written to {}", intent, layout.switchoverKey());
                    return null;
                });
    }

    private CompletableFuture<Void> writeIntent(SwitchoverIntent intent, KeyValue named, long leaseId) {
        ByteSequence epochKey = bytes(context.layout().epochKey());
        return context.identity().track(() -> context.kv().txn()
                        .If(ownKey(), ownEpoch(), new Cmp(named.getKey(), Cmp.Op.EQUAL,
                                CmpTarget.createRevision(named.getCreateRevision())))
                        .Then(Op.put(bytes(context.layout().switchoverKey()), ByteSequence.from(intent.toJson()),
                                PutOption.builder().withLeaseId(leaseId).build()))
                        .Else(Op.get(key, GetOption.DEFAULT), Op.get(epochKey, GetOption.DEFAULT))
                        .commit(), true)
                .thenApply(reply -> {
                    if (reply.isSucceeded()) {
                        return null;
                    }
                    Candidacy.revoke(context.leases(), leaseId, context.operationTimeout(), context.clock());
                    if (stillLeads(reply.getGetResponses())) {
                        throw new UnknownCandidateException("candidate '" + intent.successor() + "' left the "
                                + "election meanwhile; nothing was written");
                    }
                    throw new FencedWriteRejectedException(token, "no successor named: " + candidacy.key()
                            + " no longer leads with fencing token " + token + "; nothing was written");
                });
    }

    /** Whether the fence's own half held, from the key and the epoch a failed transaction read instead. */
    private boolean stillLeads(List<GetResponse> found) {
        List<KeyValue> own = found.get(0).getKvs();
        List<KeyValue> epoch = found.get(1).getKvs();
        return !own.isEmpty() && own.get(0).getCreateRevision() == token.revision() && !epoch.isEmpty()
                && FencingEpoch.parse(Optional.of(epoch.get(0).getValue().getBytes())).orElse(0) == token.epoch();
    }

    private Cmp ownKey() {
        return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(token.revision()));
    }

    private Cmp ownEpoch() {
        return new Cmp(bytes(context.layout().epochKey()), Cmp.Op.EQUAL,
                CmpTarget.value(ByteSequence.from(FencingEpoch.bytes(token.epoch()))));
    }

    private Op toOp(WriteOp op, Map<String, KeyValue> ownerLeases) {
        ElectionLayout layout = context.layout();
        if (op instanceof WriteOp.Put put) {
            return Op.put(bytes(layout.dataKey(put.key())), ByteSequence.from(put.value()), PutOption.DEFAULT);
        }
        if (op instanceof WriteOp.PutBound bound) {
            return Op.put(bytes(layout.dataKey(bound.key())), ByteSequence.from(bound.value()),
                    PutOption.builder().withLeaseId(ownerLeases.get(bound.owner()).getLease()).build());
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
        return "EtcdTerm[" + candidacy.key() + ", token " + token + ", " + status() + "]";
    }
}
