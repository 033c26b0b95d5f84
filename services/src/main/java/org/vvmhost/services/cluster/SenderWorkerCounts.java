package org.vvmhost.services.cluster;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Two counts that only grow: one that senders move and one that a container's worker moves (mostly). Each lies on
 * cache lines of its own, away from the other and from the array's header (which every access reads for its bounds
 * check), so that a sender and the worker do not bounce one line between them for every message.
 */
final class SenderWorkerCounts {

    /** Longs between the counts: 128 bytes, two cache lines of 64 bytes (an adjacent-line prefetch pairs them). */
    private static final int APART = 16;
    private static final int SENDERS = APART;
    private static final int WORKER = 2 * APART;

    private final AtomicLongArray counts = new AtomicLongArray(3 * APART);

    long senders() {
        return counts.get(SENDERS);
    }

    void addSender() {
        counts.getAndIncrement(SENDERS);
    }

    /** Adds one to the senders' count if it is still {@code expected}. */
    boolean addSenderIf(long expected) {
        return counts.compareAndSet(SENDERS, expected, expected + 1);
    }

    long worker() {
        return counts.get(WORKER);
    }

    void addWorker() {
        counts.getAndIncrement(WORKER);
    }
}
