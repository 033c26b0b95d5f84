package org.vvmhost.time;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when a test advances it. Due tasks run on the advancing thread, in deadline order
 * (ties in scheduling order), outside the clock's lock, so a task may schedule or cancel others.
 */
public final class ManualClock implements Clock {

    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private final Instant origin;
    private long nanos;
    private long sequence;

    public ManualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public ManualClock(Instant origin) {
        this.origin = origin;
    }

    @Override
    public long nanoTime() {
        lock.lock();
        try {
            return nanos;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(nanoTime());
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable task) {
        lock.lock();
        try {
            Task scheduled = new Task(nanos + Math.max(0, delay.toNanos()), sequence++, task);
            queue.add(scheduled);
            return scheduled;
        } finally {
            lock.unlock();
        }
    }

    /** Moves time forward by {@code step}, running every task that falls due, each at its own deadline. */
    public void advance(Duration step) {
        long target;
        lock.lock();
        try {
            target = nanos + step.toNanos();
        } finally {
            lock.unlock();
        }
        while (true) {
            Task due;
            lock.lock();
            try {
                Task head = queue.peek();
                if (head == null || head.deadline > target) {
                    nanos = target;
                    return;
                }
                due = queue.poll();
                nanos = Math.max(nanos, due.deadline);
            } finally {
                lock.unlock();
            }
            due.run();
        }
    }

    /** Tasks scheduled and neither run nor cancelled. */
    public int pendingTasks() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Deadlines of pending tasks, relative to now, soonest first. */
    public List<Duration> pendingDelays() {
        lock.lock();
        try {
            List<Task> tasks = new ArrayList<>(queue);
            tasks.sort(null);
            List<Duration> delays = new ArrayList<>();
            for (Task t : tasks) {
                delays.add(Duration.ofNanos(t.deadline - nanos));
            }
            return delays;
        } finally {
            lock.unlock();
        }
    }

    private final class Task implements Comparable<Task>, Scheduled {
        final long deadline;
        final long order;
        final Runnable action;

        Task(long deadline, long order, Runnable action) {
            this.deadline = deadline;
            this.order = order;
            this.action = action;
        }

        void run() {
            action.run();
        }

        @Override
        public boolean cancel() {
            lock.lock();
            try {
                return queue.remove(this);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int compareTo(Task other) {
            int byDeadline = Long.compare(deadline, other.deadline);
            return byDeadline != 0 ? byDeadline : Long.compare(order, other.order);
        }
    }
}
