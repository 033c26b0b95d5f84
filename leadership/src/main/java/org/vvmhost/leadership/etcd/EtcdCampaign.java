package org.vvmhost.leadership.etcd;

import static org.vvmhost.leadership.etcd.ElectionLayout.bytes;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.FencingToken;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.SwitchoverIntent;
import org.vvmhost.leadership.Term;
import org.vvmhost.time.Clock;

/**
 * A campaign on its own thread: enter a candidacy (lease, key, keepalive), wait by watching the key just before
 * ours until it is deleted, then confirm the claim, settle the fencing epoch and report a term. A candidate that comes
 * first while a switchover names another one withdraws and enters again, behind it. Unreachable etcd and lost
 * candidacies are retried with capped exponential backoff, forever, until cancelled; access errors end the campaign.
 * A campaign that saw etcd's history break, or finds the election's data without an epoch, waits out the lock-delay
 * before it reports its term.
 */
final class EtcdCampaign implements Campaign {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdCampaign.class);
    private static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(2);

    private final EtcdContext context;
    private final CompletableFuture<Term> elected = new CompletableFuture<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private final List<Long> staleLeases = new ArrayList<>();
    private final List<CompletableFuture<Void>> withdrawals = new ArrayList<>();
    private final Thread thread;
    private final AtomicReference<CompletableFuture<Void>> withdrawal = new AtomicReference<>();
    private Candidacy candidacy;

    EtcdCampaign(EtcdContext context) {
        this.context = context;
        this.thread = new Thread(this::run, "etcd-campaign-" + context.candidate().id());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public CompletableFuture<Term> elected() {
        return elected;
    }

    /** Completes when the campaign thread has ended and cleaned up. */
    CompletableFuture<Void> finished() {
        return finished;
    }

    Thread thread() {
        return thread;
    }

    @Override
    public CompletableFuture<Void> cancel() {
        // No lock: cancelling elected runs the callers' callbacks, and those may call cancel() from any thread.
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!withdrawal.compareAndSet(null, mine)) {
            return withdrawal.get();
        }
        cancelRequested.set(true);
        thread.interrupt();
        // Once the campaign thread has finished, elected is settled: release a term won before the cancel (a term
        // won after it is released by the campaign thread itself, before finished).
        finished.thenCompose(done -> {
            Term won = elected.isDone() && !elected.isCompletedExceptionally() ? elected.join() : null;
            return won == null ? CompletableFuture.<Void>completedFuture(null) : won.release();
        }).whenComplete((done, failure) -> {
            if (failure == null) {
                mine.complete(null);
            } else {
                mine.completeExceptionally(failure);
            }
        });
        elected.cancel(false);
        return mine;
    }

    private void run() {
        try {
            Term term = attemptUntilElected();
            consumeCancelSignal();
            if (elected.complete(term)) {
                LOG.info("won the election {} as {} (fencing token {})", context.layout().election(),
                        term.leaderKey(), term.fencingToken());
            } else {
                // Cancelled while confirming: the withdrawal includes giving this term back.
                withdrawals.add(term.release().exceptionally(failure -> null));
            }
        } catch (CampaignCancelled e) {
            consumeCancelSignal();
            elected.cancel(false);
        } catch (LeadershipAccessException e) {
            consumeCancelSignal();
            LOG.error("campaign for {} in {} stopped: {}", context.candidate().id(), context.description(),
                    e.getMessage());
            elected.completeExceptionally(e);
        } catch (RuntimeException e) {
            consumeCancelSignal();
            elected.completeExceptionally(e);
        } finally {
            cleanUp();
        }
    }

    /**
     * Attempts until one wins, waiting between attempts with capped exponential backoff on the clock. Failsafe's
     * policy decides the delays and gives up only on an access refusal, which it rethrows.
     */
    private Term attemptUntilElected() {
        RetryPolicy<Term> retry = RetryPolicy.<Term>builder()
                .handle(LeadershipException.class)
                .abortOn(LeadershipAccessException.class)
                .withBackoff(FIRST_RETRY_DELAY, MAX_RETRY_DELAY)
                .withMaxRetries(-1)
                .build();
        Execution<Term> execution = Execution.of(retry);
        while (true) {
            try {
                return attempt();
            } catch (LeadershipException e) {
                execution.recordException(e);
                if (execution.isComplete()) {
                    throw e;
                }
                // A full etcd is reported once, with what to do; each retry would only repeat it.
                if (!context.space().refused("the campaign for " + context.candidate().id(), e)) {
                    LOG.warn("campaign for {} in {}: {}; trying again in {} ms", context.candidate().id(),
                            context.description(), e.getMessage(), execution.getDelay().toMillis());
                }
                waitOnClock(execution.getDelay(), new CompletableFuture<>());
                checkNotCancelled();
            }
        }
    }

    /** Waits {@code delay} on the clock, or until {@code sooner} completes; a cancel ends the wait, and the campaign. */
    private void waitOnClock(Duration delay, CompletableFuture<?> sooner) {
        CompletableFuture<Void> over = new CompletableFuture<>();
        Clock.Scheduled timer = context.clock().schedule(delay, () -> over.complete(null));
        try {
            CompletableFuture.anyOf(over, sooner).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CampaignCancelled();
        } catch (ExecutionException e) {
            throw EtcdErrors.translate("a wait", e);
        } finally {
            timer.cancel();
        }
    }

    /**
     * Clears this thread's interrupt, which only ever carries {@link #cancel()}'s signal (also kept in
     * {@code cancelRequested}), so that callbacks on {@code elected} that run here do not start out interrupted.
     */
    private static void consumeCancelSignal() {
        Thread.interrupted();
    }

    private Term attempt() {
        checkNotCancelled();
        try {
            revokeStaleLeases();
            while (true) {
                candidacy = enter();
                ClaimRead read = waitForTurn(candidacy);
                Optional<Term> term = confirm(candidacy, read);
                if (term.isPresent()) {
                    candidacy = null;
                    return term.get();
                }
                // A switchover names another candidate: withdraw, so that it comes first, and enter again behind it.
                await("withdraw " + candidacy.key(), candidacy.abandon(context.operationTimeout()));
                candidacy = null;
            }
        } catch (LeadershipException e) {
            // gRPC reports an untrusted certificate only as a closed connection: ask the endpoint why.
            throw TlsProbe.explain(e, context.settings().endpoints(),
                    context.settings().tls().flatMap(EtcdSettings.Tls::caFile));
        }
    }

    private Candidacy enter() {
        LeaseSettings lease = context.lease();
        long before = context.clock().nanoTime();
        long leaseId = await("grant a lease", context.identity().track(
                () -> context.leases().grant(lease.ttl().toSeconds()), true)).getID();
        context.space().accepted();
        String key = context.layout().candidateKey(leaseId);
        LeaseGuard guard = new LeaseGuard(context.clock(), lease.renewDeadline(), before, key,
                status -> LOG.info("candidacy {} is {}", key, status));
        context.identity().watch(guard);
        LeaseKeeper keeper = new LeaseKeeper(context.leases(), leaseId, context.clock(),
                lease.renewDeadline().dividedBy(LeaseKeeper.RENEWALS_PER_DEADLINE), guard, context.identity(),
                context.leaseObserver());
        guard.start();
        keeper.start();
        ByteSequence keyBytes = bytes(key);
        TxnResponse put;
        try {
            put = await("create " + key, context.identity().track(() -> context.kv().txn()
                    .If(new Cmp(keyBytes, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(keyBytes, ByteSequence.from(CandidateValue.of(context.candidate())
                                    .knowing(context.identity().highestEpoch()).toJson()),
                            PutOption.builder().withLeaseId(leaseId).build()))
                    .commit(), true));
        } catch (RuntimeException e) {
            keeper.stop();
            staleLeases.add(leaseId);
            throw e;
        }
        if (!put.isSucceeded()) {
            keeper.stop();
            staleLeases.add(leaseId);
            throw new CandidacyLost("the key " + key + " of a fresh lease already existed");
        }
        LOG.debug("entered the election as {} at revision {}", key, put.getHeader().getRevision());
        return new Candidacy(context.leases(), leaseId, key, put.getHeader().getRevision(), guard, keeper,
                context.clock());
    }

    /**
     * Returns once no older candidate remains, with what the claim reads, read in the same look. Watches the next older
     * key; never polls. Each look also reads the election's epoch, so that a standby remembers the epoch it would have
     * to exceed.
     */
    private ClaimRead waitForTurn(Candidacy mine) {
        ByteSequence prefix = bytes(context.layout().candidatePrefix());
        while (true) {
            GetOption older = GetOption.builder()
                    .isPrefix(true)
                    .withMaxCreateRevision(mine.createRevision() - 1)
                    .withSortField(GetOption.SortTarget.CREATE)
                    .withSortOrder(GetOption.SortOrder.DESCEND)
                    .withLimit(1)
                    .build();
            // One round trip for the look and the claim's read: a standby's turn comes on the path of a handover.
            TxnResponse look = await("list older candidates", context.identity().track(() -> context.kv().txn()
                    .If(ownKey(mine))
                    .Then(Op.get(prefix, older), Op.get(bytes(context.layout().epochKey()), GetOption.DEFAULT),
                            Op.get(prefix, GetOption.builder().isPrefix(true).build()),
                            Op.get(bytes(context.layout().switchoverKey()), GetOption.DEFAULT))
                    .commit(), true));
            if (!look.isSucceeded()) {
                throw new CandidacyLost(mine.key() + " no longer exists");
            }
            ClaimRead read = claimRead(look.getGetResponses().subList(1, 4));
            GetResponse before = look.getGetResponses().get(0);
            if (before.getKvs().isEmpty()) {
                return read;
            }
            KeyValue predecessor = before.getKvs().get(0);
            LOG.info("waiting for {} to go (we are {})", predecessor.getKey().toString(StandardCharsets.UTF_8),
                    mine.key());
            CompletableFuture<Void> gone = new CompletableFuture<>();
            WatchOption deletes = WatchOption.builder()
                    .withNoPut(true)
                    .withRevision(look.getHeader().getRevision() + 1)
                    .build();
            EtcdIdentity.Known sent = context.identity().mark();
            Watch.Watcher watcher = context.watches().watch(predecessor.getKey(), deletes, new Watch.Listener() {
                @Override
                public void onNext(WatchResponse response) {
                    context.identity().observe(sent, response.getHeader(), false);
                    for (WatchEvent event : response.getEvents()) {
                        if (event.getEventType() == WatchEvent.EventType.DELETE) {
                            gone.complete(null);
                        }
                    }
                }

                @Override
                public void onError(Throwable failure) {
                    // jetcd would resume the watch, but from the revision the server reported at creation, which
                    // can skip a deletion: look again instead of trusting the resumed watch.
                    gone.complete(null);
                }

                @Override
                public void onCompleted() {
                    // The watch ended for good: look again rather than wait forever.
                    gone.complete(null);
                }
            });
            try {
                CompletableFuture.anyOf(gone, mine.guard().lost()).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CampaignCancelled();
            } catch (ExecutionException e) {
                throw EtcdErrors.translate("wait for " + predecessor.getKey(), e);
            } finally {
                watcher.close();
            }
            checkStanding(mine);
        }
    }

    /**
     * Confirms the win before reporting it, from {@code firstRead}: the look that found no older candidate, whose
     * transaction also found the key still there with our create revision and read the election's epoch and what the
     * other candidates remember, which decide this term's epoch (see {@link FencingEpoch}), and the switchover intent,
     * if any: one that names another candidate still in the election makes this one give way (empty). A new
     * incarnation of etcd's data, or a break of its history seen lately, first costs the lock-delay, and is read again
     * after it. Then one transaction, fenced on the key and on the epoch as read, proclaims the leader's start and
     * epoch, if needed bumps the epoch, and clears an intent that named us or is void; and the lease, asked alongside,
     * must still have TTL.
     */
    private Optional<Term> confirm(Candidacy mine, ClaimRead firstRead) {
        ClaimRead read = firstRead;
        if (givesWay(read, mine)) {
            return Optional.empty();
        }
        FencingEpoch.Decision epoch = context.identity().decideEpoch(read.storedEpoch(), read.othersKnow());
        if (epoch.newIncarnation()) {
            context.identity().newIncarnation(epoch.reason());
        }
        if (awaitLockDelay(mine)) {
            // Replicas that noticed the break meanwhile have said which epochs they remember.
            read = readClaim(mine);
            if (givesWay(read, mine)) {
                return Optional.empty();
            }
            epoch = context.identity().decideEpoch(read.storedEpoch(), read.othersKnow());
        }
        ByteSequence key = bytes(mine.key());
        ByteSequence epochKey = bytes(context.layout().epochKey());
        Cmp epochAsRead = read.stored().isEmpty() ? new Cmp(epochKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                : new Cmp(epochKey, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(read.stored().get())));
        byte[] proclaimed = CandidateValue.of(context.candidate()).knowing(epoch.epoch())
                .leading(context.clock().instant(), epoch.epoch()).toJson();
        List<Op> claimOps = new ArrayList<>();
        claimOps.add(Op.put(key, ByteSequence.from(proclaimed), PutOption.builder().withLeaseId(mine.leaseId())
                .build()));
        if (epoch.bump()) {
            claimOps.add(Op.put(epochKey, ByteSequence.from(FencingEpoch.bytes(epoch.epoch())), PutOption.DEFAULT));
        }
        boolean clearIntent = verdict(read) == SwitchoverIntent.Verdict.CLEAR_AND_LEAD;
        if (clearIntent) {
            claimOps.add(Op.delete(bytes(context.layout().switchoverKey()), DeleteOption.DEFAULT));
        }
        CompletableFuture<TxnResponse> claiming = context.identity().track(() -> context.kv().txn()
                .If(ownKey(mine), epochAsRead)
                .Then(claimOps.toArray(Op[]::new))
                .commit(), true);
        // Asked at once, not after the claim: both must answer before the term is reported, and the claim alone
        // already proves the key (so its lease) stood as it was written.
        CompletableFuture<LeaseTimeToLiveResponse> lease = context.identity().track(
                () -> context.leases().timeToLive(mine.leaseId(), LeaseOption.DEFAULT), false);
        TxnResponse claim;
        try {
            claim = await("claim " + mine.key(), claiming);
        } catch (RuntimeException e) {
            lease.cancel(true);
            throw e;
        }
        if (!claim.isSucceeded()) {
            lease.cancel(true);
            throw new CandidacyLost("claim refused: " + mine.key() + " no longer exists, or the election's epoch "
                    + "changed since it was read");
        }
        context.identity().noteEpoch(epoch.epoch());
        if (epoch.bump()) {
            LOG.info("fencing epoch of the election {} is now {}: {}", context.layout().election(), epoch.epoch(),
                    epoch.reason());
        }
        LeaseTimeToLiveResponse ttl = await("check the lease of " + mine.key(), lease);
        if (ttl.getTTL() <= 0) {
            throw new CandidacyLost("phantom win refused: the lease of " + mine.key() + " has expired");
        }
        checkStanding(mine);
        if (clearIntent) {
            LOG.info("{}: {}", read.intent().get(), read.intent().get().successor().equals(context.candidate().id())
                    ? "this candidate is the one named; the intent is cleared"
                    : "void, since " + read.intent().get().successor() + " left the election; cleared");
        }
        EtcdTerm term = new EtcdTerm(mine, new FencingToken(epoch.epoch(), mine.createRevision()), context);
        term.start(claim.getHeader().getRevision() + 1);
        context.termStarted(term);
        return Optional.of(term);
    }

    private SwitchoverIntent.Verdict verdict(ClaimRead read) {
        return SwitchoverIntent.verdict(read.intent(), context.candidate().id(), read.candidates());
    }

    private boolean givesWay(ClaimRead read, Candidacy mine) {
        if (verdict(read) != SwitchoverIntent.Verdict.GIVE_WAY) {
            return false;
        }
        LOG.info("{} is under way: {} gives way to it and enters the line again behind it", read.intent().get(),
                mine.key());
        return true;
    }

    /**
     * What a claim reads: the epoch etcd holds (raw, for the fence, and parsed), what the candidates remember, their
     * ids, and the switchover intent.
     */
    private record ClaimRead(Optional<byte[]> stored, OptionalLong storedEpoch, long othersKnow,
                             Set<String> candidates, Optional<SwitchoverIntent> intent) {
    }

    /**
     * Reads the epoch, every candidate's value and the switchover intent in one transaction that also checks our key
     * still stands.
     */
    private ClaimRead readClaim(Candidacy mine) {
        TxnResponse read = await("confirm " + mine.key(), context.identity().track(() -> context.kv().txn()
                .If(ownKey(mine))
                .Then(Op.get(bytes(context.layout().epochKey()), GetOption.DEFAULT),
                        Op.get(bytes(context.layout().candidatePrefix()), GetOption.builder().isPrefix(true).build()),
                        Op.get(bytes(context.layout().switchoverKey()), GetOption.DEFAULT))
                .commit(), true));
        if (!read.isSucceeded()) {
            throw new CandidacyLost("phantom win refused: " + mine.key() + " no longer exists");
        }
        return claimRead(read.getGetResponses());
    }

    /** The claim's read from the answers to: the epoch key, the candidates' keys, the switchover key. */
    private ClaimRead claimRead(List<GetResponse> answers) {
        Optional<byte[]> stored = value(answers.get(0));
        OptionalLong storedEpoch = FencingEpoch.parse(stored);
        storedEpoch.ifPresent(context.identity()::noteEpoch);
        List<CandidateValue> candidates = answers.get(1).getKvs().stream()
                .flatMap(kv -> CandidateValue.parse(kv.getValue().getBytes()).stream())
                .toList();
        long othersKnow = candidates.stream().mapToLong(CandidateValue::highestEpoch).max().orElse(0);
        Set<String> ids = candidates.stream().map(CandidateValue::id).collect(Collectors.toSet());
        Optional<SwitchoverIntent> intent = value(answers.get(2)).flatMap(SwitchoverIntent::parse);
        return new ClaimRead(stored, storedEpoch, othersKnow, ids, intent);
    }

    private static Cmp ownKey(Candidacy mine) {
        return new Cmp(bytes(mine.key()), Cmp.Op.EQUAL, CmpTarget.createRevision(mine.createRevision()));
    }

    /**
     * Waits out the lock-delay, if one is owed: on the clock, while the candidacy stands, and no longer than the
     * campaign (a cancel ends it at once). Returns whether it waited.
     */
    private boolean awaitLockDelay(Candidacy mine) {
        Duration lockDelay = context.lease().renewDeadline();
        Optional<EtcdIdentity.LockDelay> owed = context.identity().lockDelay(lockDelay);
        if (owed.isEmpty()) {
            return false;
        }
        LOG.info("{}", owed.get().describe(lockDelay));
        waitOnClock(owed.get().remaining(), mine.guard().lost());
        checkStanding(mine);
        return true;
    }

    private static Optional<byte[]> value(GetResponse response) {
        return response.getKvs().isEmpty() ? Optional.empty()
                : Optional.of(response.getKvs().get(0).getValue().getBytes());
    }

    private void checkStanding(Candidacy mine) {
        checkNotCancelled();
        if (mine.guard().status() == Term.Status.LOST) {
            throw new CandidacyLost(mine.guard().lost().join().getMessage());
        }
    }

    private void checkNotCancelled() {
        if (cancelRequested.get() || Thread.currentThread().isInterrupted()) {
            throw new CampaignCancelled();
        }
    }

    /** Waits for one etcd call, bounded on the clock by the operation timeout. */
    private <T> T await(String action, CompletableFuture<T> call) {
        try {
            return context.clock().orTimeout(call, context.operationTimeout()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new CampaignCancelled();
        } catch (ExecutionException e) {
            call.cancel(true);
            throw EtcdErrors.translate(action, e);
        }
    }

    /** Leases of abandoned candidacies: revoked at the next attempt so that their keys stop blocking others. */
    private void revokeStaleLeases() {
        if (candidacy != null) {
            candidacy.retire();
            staleLeases.add(candidacy.leaseId());
            candidacy = null;
        }
        for (Long lease : List.copyOf(staleLeases)) {
            try {
                Candidacy.revoke(context.leases(), lease, context.operationTimeout(), context.clock()).get();
                staleLeases.remove(lease);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CampaignCancelled();
            } catch (ExecutionException e) {
                LOG.debug("revoke of stale lease {} failed", Long.toHexString(lease), e);
            }
        }
    }

    /** Withdraws a candidacy that did not become a term. Runs on the campaign thread as it ends. */
    private void cleanUp() {
        List<CompletableFuture<Void>> revokes = new ArrayList<>(withdrawals);
        if (candidacy != null) {
            revokes.add(candidacy.abandon(context.operationTimeout()));
            candidacy = null;
        }
        for (Long lease : staleLeases) {
            revokes.add(Candidacy.revoke(context.leases(), lease, context.operationTimeout(), context.clock()));
        }
        staleLeases.clear();
        CompletableFuture.allOf(revokes.toArray(CompletableFuture[]::new))
                .whenComplete((ignored, failure) -> finished.complete(null));
    }

    /** The campaign was cancelled; unwinds the campaign thread. */
    private static final class CampaignCancelled extends CancellationException {
        private static final long serialVersionUID = 1L;

        CampaignCancelled() {
            super("campaign cancelled");
        }
    }

    /** This candidacy cannot win any more; the campaign enters a fresh one. */
    private static final class CandidacyLost extends LeadershipException {
        private static final long serialVersionUID = 1L;

        CandidacyLost(String reason) {
            super("candidacy lost: " + reason);
        }
    }
}
