package org.vvmhost.services.cluster;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A container's bounded queue of envelopes: many senders, one worker. Its capacity is exact.
 *
 * <p>On threads, senders and the worker share no lock: a lock-free queue plus counts of places reserved (a sender
 * reserves one with a compare-and-set while one is free) and of envelopes taken. With one lock for both ends, as in
 * an {@code ArrayBlockingQueue}, a sender and the worker that meet on it park and wake each other. On the virtual
 * clock everything runs on one thread, so a plain deque does.
 */
abstract sealed class Mailbox {

    final int capacity;

    private Mailbox(int capacity) {
        this.capacity = capacity;
    }

    static Mailbox of(int capacity, boolean singleThreaded) {
        return singleThreaded ? new Local(capacity) : new Shared(capacity);
    }

    /** False if it is full. */
    abstract boolean offer(Envelope<?> envelope);

    /** The oldest envelope, or null. The worker polls; a kill may also drain the mailbox from another thread. */
    abstract Envelope<?> poll();

    abstract boolean isEmpty();

    /** Takes {@code envelope} out if it is still queued. */
    abstract boolean remove(Envelope<?> envelope);

    /** Moves every queued envelope to {@code into}. */
    void drainTo(List<Envelope<?>> into) {
        for (Envelope<?> envelope = poll(); envelope != null; envelope = poll()) {
            into.add(envelope);
        }
    }

    private static final class Shared extends Mailbox {
        private final Queue<Envelope<?>> queue = new ConcurrentLinkedQueue<>();
        /** Places reserved (by senders) and envelopes taken out (by the worker, mostly): their difference is the
         *  size, reserved places included. */
        private final SenderWorkerCounts counts = new SenderWorkerCounts();
        /** A value the taken count had, never above its value now: a stale one only makes a sender look again. */
        private volatile long takenSeen;

        Shared(int capacity) {
            super(capacity);
        }

        /**
         * A place is reserved only while one is free (a compare-and-set, not an increment undone on failure, which
         * would make others see a transient overflow and fail while places are free). It fails only if the
         * mailbox was full when it read the taken count: the reserved count it compared with only grows.
         */
        @Override
        boolean offer(Envelope<?> envelope) {
            long reserved;
            do {
                reserved = counts.senders();
                if (reserved - takenSeen >= capacity) {
                    long taken = counts.worker();
                    takenSeen = taken;
                    if (reserved - taken >= capacity) {
                        return false;
                    }
                }
            } while (!counts.addSenderIf(reserved));
            queue.add(envelope);
            return true;
        }

        @Override
        Envelope<?> poll() {
            Envelope<?> envelope = queue.poll();
            if (envelope != null) {
                counts.addWorker();
            }
            return envelope;
        }

        @Override
        boolean isEmpty() {
            return queue.isEmpty();
        }

        @Override
        boolean remove(Envelope<?> envelope) {
            if (queue.remove(envelope)) {
                counts.addWorker();
                return true;
            }
            return false;
        }
    }

    private static final class Local extends Mailbox {
        private final ArrayDeque<Envelope<?>> queue = new ArrayDeque<>();

        Local(int capacity) {
            super(capacity);
        }

        @Override
        boolean offer(Envelope<?> envelope) {
            if (queue.size() >= capacity) {
                return false;
            }
            queue.add(envelope);
            return true;
        }

        @Override
        Envelope<?> poll() {
            return queue.poll();
        }

        @Override
        boolean isEmpty() {
            return queue.isEmpty();
        }

        @Override
        boolean remove(Envelope<?> envelope) {
            return queue.removeFirstOccurrence(envelope);
        }
    }
}
