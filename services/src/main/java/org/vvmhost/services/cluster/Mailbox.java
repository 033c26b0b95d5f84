package org.vvmhost.services.cluster;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A container's bounded queue of envelopes: many senders, one worker. Its capacity is exact.
 *
 * <p>On threads, senders and the worker share no lock: a lock-free queue plus a count that reserves a place before
 * the offer (a sender that finds no place undoes its reservation). With one lock for both ends, as in an
 * {@code ArrayBlockingQueue}, a sender and the worker that meet on it park and wake each other. On the virtual
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

    /** The oldest envelope, or null. Only the worker polls. */
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
        private final AtomicInteger size = new AtomicInteger();

        Shared(int capacity) {
            super(capacity);
        }

        @Override
        boolean offer(Envelope<?> envelope) {
            if (size.incrementAndGet() > capacity) {
                size.decrementAndGet();
                return false;
            }
            queue.add(envelope);
            return true;
        }

        @Override
        Envelope<?> poll() {
            Envelope<?> envelope = queue.poll();
            if (envelope != null) {
                size.decrementAndGet();
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
                size.decrementAndGet();
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
