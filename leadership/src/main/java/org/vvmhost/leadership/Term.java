package org.vvmhost.leadership;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One period of leadership, from a won campaign to its release or loss.
 *
 * <p>States: {@code LEADING ⇄ SUSPENDED → LOST}, and {@code LEADING | SUSPENDED → RELEASED}. LOST and RELEASED
 * are final, and only one of them is ever reached. SUSPENDED means the lease could not be renewed for a while
 * but the local renew deadline has not passed yet.
 */
public interface Term {

    enum Status { LEADING, SUSPENDED, LOST, RELEASED }

    /**
     * The fencing token: the epoch of the election's data and, on etcd, the create revision of this leader's key.
     * Strictly grows from term to term, also across etcd's incarnations (a wipe, a restore from a snapshot).
     */
    FencingToken fencingToken();

    /** The leader's election key, for log lines. */
    String leaderKey();

    Status status();

    /**
     * Completes once, normally, with the reason, when leadership is lost. Never completes if the term is
     * released first.
     */
    CompletableFuture<LeadershipLostException> lost();

    /**
     * Gives leadership up gracefully (on etcd: resign, then revoke the lease), so that a standby takes over at
     * once. Completes when done. Idempotent and thread-safe; a no-op after loss.
     */
    CompletableFuture<Void> release();

    /**
     * Applies {@code ops} atomically, if and only if this term still leads (on etcd: a transaction guarded by
     * {@code CreateRevision(leaderKey) == token.revision && Value(epoch) == token.epoch}). Completes exceptionally with
     * {@link FencedWriteRejectedException} when the guard fails; then nothing was written. An
     * {@link WriteOp.Expect} among {@code ops} adds its condition, and a {@link WriteOp.PutBound} the condition that its
     * owner stands: when this term leads but one of them fails, the write completes exceptionally with
     * {@link WriteConditionFailedException}, and nothing was written either. The data key
     * {@link DataStore#EPOCH_KEY} is the election's own: an operation on it is refused with an
     * {@link IllegalArgumentException}.
     */
    CompletableFuture<Void> write(List<WriteOp> ops);

    /**
     * How long this term has left before its local renew deadline passes, if no keepalive succeeds meanwhile: the
     * margin by which it still leads. Empty once it ended, and for a backend without a renew deadline (the in-memory
     * election keeps its leases alive by itself).
     */
    default Optional<Duration> renewDeadlineSlack() {
        return Optional.empty();
    }

    /**
     * Names the candidate that is to lead after this term, for a planned switchover: writes a {@link SwitchoverIntent}
     * into the election's data, fenced like every write of this term and only if {@code candidateId} is in the
     * election now. Until that candidate leads, leaves the election, or {@code validFor} passes (counted by the
     * backend: on etcd, the intent is bound to a lease of that TTL), a candidate that comes first in line without
     * being the named one does not take over: it re-enters the line behind. Release the term afterwards; naming
     * alone changes nothing else.
     *
     * <p>Completes exceptionally with {@link UnknownCandidateException} if no candidate of that id is in the election
     * (nothing was written), or with {@link FencedWriteRejectedException} if this term no longer leads.
     *
     * @param validFor how long the intent lives, at least {@link LeaseSettings#MINIMUM_TTL}; whole seconds on etcd
     * @throws IllegalArgumentException if {@code candidateId} is this term's own candidate, or {@code validFor} is
     *                                  too short
     */
    CompletableFuture<Void> nameSuccessor(String candidateId, Duration validFor);
}
