package org.vvmhost.services.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

final class DiscreteEventClock implements VirtualClock {

    private static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long sequence;
    private int live;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Instant instant() {
        return ORIGIN.plusNanos(now);
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable task) {
        Task scheduled = new Task(now + Math.max(0, delay.toNanos()), sequence++, task);
        queue.add(scheduled);
        live++;
        return scheduled;
    }

    @Override
    public void execute(Runnable task) {
        queue.add(new Task(now, sequence++, task));
        live++;
    }

    @Override
    public void runFor(Duration span) {
        long until = now + span.toNanos();
        while (true) {
            Task head = queue.peek();
            if (head == null || head.deadline > until) {
                break;
            }
            queue.poll();
            if (head.done) {
                continue;
            }
            head.done = true;
            live--;
            now = Math.max(now, head.deadline);
            head.action.run();
        }
        now = Math.max(now, until);
    }

    @Override
    public int pendingTasks() {
        return live;
    }

    private final class Task implements Comparable<Task>, Scheduled {
        final long deadline;
        final long order;
        final Runnable action;
        boolean done;

        Task(long deadline, long order, Runnable action) {
            this.deadline = deadline;
            this.order = order;
            this.action = action;
        }

        @Override
        public boolean cancel() {
            if (done) {
                return false;
            }
            // Lazy removal: the queue skips it when it comes up, so a cancel is O(1).
            done = true;
            live--;
            return true;
        }

        @Override
        public int compareTo(Task other) {
            int byDeadline = Long.compare(deadline, other.deadline);
            return byDeadline != 0 ? byDeadline : Long.compare(order, other.order);
        }
    }
}
