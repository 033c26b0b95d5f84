package org.vvmhost.leadership.etcd;

import static org.vvmhost.leadership.etcd.ElectionLayout.bytes;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.LeadershipException;
import org.vvmhost.leadership.LeaseSettings;
import org.vvmhost.leadership.Term;
import org.vvmhost.time.Clock;

/**
 * A campaign on its own thread: enter a candidacy (lease, key, keepalive), wait by watching the key just before
 * ours until it is deleted, then confirm the claim and report a term. Unreachable etcd and lost candidacies are
 * retried with capped exponential backoff, forever, until cancelled; access errors end the campaign.
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
        RetryPolicy<Term> retry = RetryPolicy.<Term>builder()
                .handle(LeadershipException.class)
                .abortOn(LeadershipAccessException.class)
                .abortIf((result, failure) -> cancelRequested.get())
                .withBackoff(FIRST_RETRY_DELAY, MAX_RETRY_DELAY)
                .withMaxRetries(-1)
                .onRetryScheduled(event -> LOG.warn("campaign for {} in {}: {}; trying again in {} ms",
                        context.candidate().id(), context.description(), event.getLastException().getMessage(),
                        event.getDelay().toMillis()))
                .build();
        try {
            Term term = Failsafe.with(retry).get(this::attempt);
            consumeCancelSignal();
            if (elected.complete(term)) {
                LOG.info("won the election {} as {} (fencing token {})", context.layout().election(),
                        term.leaderKey(), term.fencingToken());
            } else {
                // Cancelled while confirming: the withdrawal includes giving this term back.
                withdrawals.add(term.release().exceptionally(failure -> null));
            }
        } catch (CampaignCancelled | FailsafeException e) {
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
     * Clears this thread's interrupt, which only ever carries {@link #cancel()}'s signal (also kept in
     * {@code cancelRequested}), so that callbacks on {@code elected} that run here do not start out interrupted.
     */
    private static void consumeCancelSignal() {
        Thread.interrupted();
    }

    private Term attempt() {
        checkNotCancelled();
        revokeStaleLeases();
        candidacy = enter();
        waitForTurn(candidacy);
        Term term = confirm(candidacy);
        candidacy = null;
        return term;
    }

    private Candidacy enter() {
        LeaseSettings lease = context.lease();
        long before = context.clock().nanoTime();
        long leaseId = await("grant a lease", context.leases().grant(lease.ttl().toSeconds())).getID();
        String key = context.layout().candidateKey(leaseId);
        LeaseGuard guard = new LeaseGuard(context.clock(), lease.renewDeadline(), before, key,
                status -> LOG.info("candidacy {} is {}", key, status));
        LeaseKeeper keeper = new LeaseKeeper(context.leases(), leaseId, context.clock(),
                lease.renewDeadline().dividedBy(3), guard);
        guard.start();
        keeper.start();
        ByteSequence keyBytes = bytes(key);
        TxnResponse put;
        try {
            put = await("create " + key, context.kv().txn()
                    .If(new Cmp(keyBytes, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(keyBytes, ByteSequence.from(CandidateValue.of(context.candidate()).toJson()),
                            PutOption.builder().withLeaseId(leaseId).build()))
                    .commit());
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
        return new Candidacy(context.leases(), leaseId, key, put.getHeader().getRevision(), guard, keeper);
    }

    /** Returns once no older candidate remains. Watches the next older key; never polls. */
    private void waitForTurn(Candidacy mine) {
        ByteSequence prefix = bytes(context.layout().candidatePrefix());
        while (true) {
            GetOption older = GetOption.builder()
                    .isPrefix(true)
                    .withMaxCreateRevision(mine.createRevision() - 1)
                    .withSortField(GetOption.SortTarget.CREATE)
                    .withSortOrder(GetOption.SortOrder.DESCEND)
                    .withLimit(1)
                    .build();
            GetResponse before = await("list older candidates", context.kv().get(prefix, older));
            if (before.getKvs().isEmpty()) {
                return;
            }
            KeyValue predecessor = before.getKvs().get(0);
            LOG.info("waiting for {} to go (we are {})", predecessor.getKey().toString(StandardCharsets.UTF_8),
                    mine.key());
            CompletableFuture<Void> gone = new CompletableFuture<>();
            WatchOption deletes = WatchOption.builder()
                    .withNoPut(true)
                    .withRevision(before.getHeader().getRevision() + 1)
                    .build();
            Watch.Watcher watcher = context.watches().watch(predecessor.getKey(), deletes, new Watch.Listener() {
                @Override
                public void onNext(WatchResponse response) {
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
     * Confirms the win before reporting it: the key must still exist with our create revision (the check and
     * the proclamation of the leader's start time are one transaction), and the lease must still have TTL.
     */
    private Term confirm(Candidacy mine) {
        ByteSequence key = bytes(mine.key());
        byte[] proclaimed = CandidateValue.of(context.candidate()).leadingSince(context.clock().instant()).toJson();
        TxnResponse claim = await("confirm " + mine.key(), context.kv().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(mine.createRevision())))
                .Then(Op.put(key, ByteSequence.from(proclaimed), PutOption.builder().withLeaseId(mine.leaseId())
                        .build()))
                .commit());
        if (!claim.isSucceeded()) {
            throw new CandidacyLost("phantom win refused: " + mine.key() + " no longer exists");
        }
        LeaseTimeToLiveResponse ttl = await("check the lease of " + mine.key(),
                context.leases().timeToLive(mine.leaseId(), LeaseOption.DEFAULT));
        if (ttl.getTTL() <= 0) {
            throw new CandidacyLost("phantom win refused: the lease of " + mine.key() + " has expired");
        }
        checkStanding(mine);
        EtcdTerm term = new EtcdTerm(mine, context.kv(), context.leases(), context.watches(), context.layout(),
                context.lease().ttl(), context.notifier());
        term.start(claim.getHeader().getRevision() + 1);
        context.termStarted(term);
        return term;
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

    private <T> T await(String action, CompletableFuture<T> call) {
        try {
            return call.get(context.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new CampaignCancelled();
        } catch (ExecutionException | TimeoutException e) {
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
                Candidacy.revoke(context.leases(), lease, context.operationTimeout()).get();
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
            revokes.add(Candidacy.revoke(context.leases(), lease, context.operationTimeout()));
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
