package org.vvmhost.vvm;

import org.vvmhost.leadership.Term;

/**
 * Lifecycle events of a VVM, in this order: acquired, services started, then released or lost. Called on the
 * VVM's own threads, never under a lock; implementations must be quick and must not throw.
 */
public interface VvmListener {

    default void leadershipAcquired(Term term) {
    }

    default void servicesStarted() {
    }

    default void leadershipReleased(Term term) {
    }

    default void leadershipLost(Term term, Throwable reason) {
    }

    VvmListener NONE = new VvmListener() {
    };
}
