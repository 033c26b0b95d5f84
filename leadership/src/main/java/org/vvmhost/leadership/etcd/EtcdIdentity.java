package org.vvmhost.leadership.etcd;

import io.etcd.jetcd.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vvmhost.time.Clock;
import org.vvmhost.time.Durations;

/**
 * What one leadership has learned of etcd from the header of every answer: the cluster id, and the highest revision of
 * a linearizable answer (a read, a transaction, a lease grant or a compaction, which no member serves before it has
 * applied every write acknowledged so far). An answer that contradicts what was known when its request was sent
 * (another cluster id, or a linearizable revision going back) means etcd's history broke: it was wiped, or restored
 * from an older snapshot. Every claim standing at that moment is then lost at once, and the next claim waits out the
 * lock-delay. A wipe with the same member configuration keeps the cluster id, so the revision is the signal that must
 * not be missed; a wiped etcd also no longer knows the lease, which the next keepalive finds.
 *
 * <p>Judging against the knowledge at send time, not at arrival, keeps answers that merely arrive out of order from
 * looking like a break. Revisions of answers that are not linearizable (keepalives, watch events, lease TTLs) are not
 * judged: a member that applies behind, or that restarted and replays its log, shows an older revision without any
 * break.
 *
 * <p>It also remembers the highest fencing epoch seen, and which epochs a break made stale. Thread-safe; claims are
 * told of a break outside the lock.
 */
final class EtcdIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdIdentity.class);

    /**
     * What was known at one moment. {@code generation} counts the breaks seen: an answer to a request sent before the
     * latest break is neither judged nor learned from, since it may belong to the previous history.
     */
    record Known(long generation, long clusterId, long linearizableRevision) {

        static final Known NOTHING = new Known(0, 0, 0);

        /** What is known after an answer that did not break the history. */
        Known learn(long clusterId, long revision, boolean linearizable) {
            return new Known(generation, clusterId,
                    linearizable ? Math.max(linearizableRevision, revision) : linearizableRevision);
        }

        /** What is known right after a break: only the answer that revealed it. */
        Known restartedAt(long clusterId, long revision, boolean linearizable) {
            return new Known(generation + 1, clusterId, linearizable ? revision : 0);
        }
    }

    /**
     * The policy: does an answer break the history known when its request was sent? Returns why, if it does.
     *
     * @param linearizable whether etcd answered it only after applying every write acknowledged before it was sent
     */
    static Optional<String> judge(Known sent, long clusterId, long revision, boolean linearizable) {
        if (sent.clusterId() != 0 && clusterId != sent.clusterId()) {
            return Optional.of("etcd answered with cluster id " + Long.toHexString(clusterId) + ", not "
                    + Long.toHexString(sent.clusterId()));
        }
        if (linearizable && revision < sent.linearizableRevision()) {
            return Optional.of("etcd answered at revision " + revision + ", below revision "
                    + sent.linearizableRevision() + " seen before");
        }
        return Optional.empty();
    }

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<LeaseGuard> claims = new ArrayList<>();

    // Guarded by lock.
    private Known known = Known.NOTHING;
    private long lastBreakNanos;
    private String lastBreakReason;
    private long highestEpoch;
    private long staleEpochsUpTo;

    EtcdIdentity(Clock clock) {
        this.clock = clock;
    }

    /** What is known now: take it before sending a request, and give it to {@link #observe} with the answer. */
    Known mark() {
        lock.lock();
        try {
            return known;
        } finally {
            lock.unlock();
        }
    }

    /** Sends a request and judges its answer before the caller sees it. */
    <R extends Response> CompletableFuture<R> track(Supplier<CompletableFuture<R>> request, boolean linearizable) {
        Known sent = mark();
        return request.get().thenApply(answer -> {
            observe(sent, answer.getHeader(), linearizable);
            return answer;
        });
    }

    /** Judges one answer's header against what was known when its request was sent, and learns from it. */
    void observe(Known sent, Response.Header header, boolean linearizable) {
        if (header == null || header.getClusterId() == 0 && header.getRevision() == 0) {
            return; // no header: nothing to judge
        }
        long clusterId = header.getClusterId();
        long revision = header.getRevision();
        List<LeaseGuard> broken = List.of();
        String reason;
        lock.lock();
        try {
            if (sent.generation() != known.generation()) {
                return; // sent before the latest break: it may belong to the previous history
            }
            Optional<String> verdict = judge(sent, clusterId, revision, linearizable);
            if (verdict.isEmpty()) {
                if (known.clusterId() == 0 || known.clusterId() == clusterId) {
                    known = known.learn(clusterId, revision, linearizable);
                }
                return;
            }
            reason = verdict.get();
            known = known.restartedAt(clusterId, revision, linearizable);
            noteNewHistory(reason);
            broken = claims.stream().filter(guard -> !guard.ended()).toList();
            claims.clear();
        } finally {
            lock.unlock();
        }
        LOG.warn("etcd's history broke: {}; etcd was wiped or restored from an older snapshot, so {}", reason,
                broken.isEmpty() ? "the next leader waits out the lock-delay" : "this replica's claim is lost");
        for (LeaseGuard guard : broken) {
            guard.on(LeaseGuard.Event.HISTORY_BROKEN, reason);
        }
    }

    /**
     * Ties a claim (a candidacy, then its term) to the current history: a break loses it. Call right after its
     * lease was granted.
     */
    void watch(LeaseGuard guard) {
        lock.lock();
        try {
            claims.removeIf(LeaseGuard::ended);
            claims.add(guard);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The epoch of the next term, see {@link FencingEpoch#decide}.
     *
     * @param stored     the epoch etcd holds, if any
     * @param othersKnow the highest epoch the other candidates say they remember
     */
    FencingEpoch.Decision decideEpoch(OptionalLong stored, long othersKnow) {
        lock.lock();
        try {
            return FencingEpoch.decide(stored, Math.max(highestEpoch, othersKnow), staleEpochsUpTo);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new incarnation of etcd's data found without a break in the revisions (by a fresh process, or in an etcd
     * restored with fewer revisions than it had): a leader that has not noticed may still run, so it costs the
     * lock-delay as a break does.
     */
    void newIncarnation(String reason) {
        lock.lock();
        try {
            noteNewHistory(reason);
        } finally {
            lock.unlock();
        }
    }

    /** The highest epoch this leadership has seen, for its candidate value. */
    long highestEpoch() {
        lock.lock();
        try {
            return highestEpoch;
        } finally {
            lock.unlock();
        }
    }

    /** An epoch read from etcd or written by this leadership. */
    void noteEpoch(long epoch) {
        lock.lock();
        try {
            highestEpoch = Math.max(highestEpoch, epoch);
        } finally {
            lock.unlock();
        }
    }

    /**
     * How long the next claim must still wait so that a leader of the broken history that has not noticed has
     * certainly stopped: {@code lockDelay} from when the break was seen, the way Chubby delays a lock whose holder
     * vanished. Empty when no break was seen or it is long enough ago.
     */
    Optional<LockDelay> lockDelay(Duration lockDelay) {
        lock.lock();
        try {
            if (lastBreakReason == null) {
                return Optional.empty();
            }
            long remaining = lastBreakNanos + lockDelay.toNanos() - clock.nanoTime();
            return remaining <= 0 ? Optional.empty()
                    : Optional.of(new LockDelay(Duration.ofNanos(remaining), lastBreakReason));
        } finally {
            lock.unlock();
        }
    }

    /** A wait the next claim owes, and why. */
    record LockDelay(Duration remaining, String reason) {
        String describe(Duration lockDelay) {
            return reason + ": waiting " + Durations.text(Duration.ofMillis(Math.max(1, remaining.toMillis())))
                    + " (the renew deadline, " + Durations.text(lockDelay) + ", from when this was seen) before "
                    + "leading, so that a leader that has not noticed has certainly stopped";
        }
    }

    /** Guarded by lock. */
    private void noteNewHistory(String reason) {
        lastBreakNanos = clock.nanoTime();
        lastBreakReason = reason;
        staleEpochsUpTo = highestEpoch;
    }
}
