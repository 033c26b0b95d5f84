package org.vvmhost.leadership;

import java.util.concurrent.CompletableFuture;

/**
 * A key in an election's data that lives on a lease of its own, kept alive by this process: a member's presence (a
 * simulator process's registration), readable by every candidate through {@link DataStore}, and an owner to whose
 * life a leader can bind keys ({@link WriteOp.PutBound}). It is not a candidate: it never leads.
 *
 * <p>States as a {@link Term}'s: {@code LEADING} (registered) {@code ⇄ SUSPENDED → LOST}, and
 * {@code LEADING | SUSPENDED → RELEASED} by {@link #revoke()}. It is LOST when the lease is gone or no keepalive
 * succeeded within the renew deadline.
 */
public interface Registration extends AutoCloseable {

    /** The key, relative to the election's data namespace. */
    String key();

    /** The lease the key lives on, for log lines; on etcd its id in hex, as {@code etcdctl} shows it. */
    String lease();

    Term.Status status();

    /** Completes once, normally, with the reason, when the registration is lost; never if it is revoked first. */
    CompletableFuture<LeadershipLostException> lost();

    /**
     * Deregisters: stops the keepalive and revokes the lease, which deletes the key and every key bound to it.
     * Completes when the backend confirmed. Idempotent; a no-op once lost.
     */
    CompletableFuture<Void> revoke();

    /**
     * Stops the keepalive and closes the client. A registration not revoked first is lost, and its lease expires
     * within its TTL. Idempotent.
     */
    @Override
    void close();
}
