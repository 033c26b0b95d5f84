package org.vvmhost.services.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The event queue is a binary heap ordered by (deadline, scheduling order), a total order, so any correct heap runs
 * tasks in the same order. Each task knows its slot, so a cancel removes it at once: request timeouts, which are
 * nearly all cancelled, never pile up in the heap. Tasks handed to {@link #execute} have no handle, so their
 * entries are reused once they ran: a busy container's drain and resume tasks allocate nothing.
 */
final class DiscreteEventClock implements VirtualClock {

    private static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");

    private static final int SPARE_LIMIT = 256;

    private Task[] heap = new Task[64];
    private int size;
    private final Task[] spare = new Task[SPARE_LIMIT];
    private int spares;
    private long now;
    private long sequence;

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
        Task scheduled = new Task(false);
        scheduled.arm(now + Math.max(0, delay.toNanos()), sequence++, task);
        add(scheduled);
        return scheduled;
    }

    @Override
    public void execute(Runnable task) {
        Task queued = spares > 0 ? spare[--spares] : new Task(true);
        queued.arm(now, sequence++, task);
        add(queued);
    }

    @Override
    public void runFor(Duration span) {
        long until = now + span.toNanos();
        while (size > 0 && heap[0].deadline <= until) {
            Task head = heap[0];
            removeAt(0);
            now = Math.max(now, head.deadline);
            Runnable action = head.action;
            head.action = null;
            if (head.reusable && spares < SPARE_LIMIT) {
                spare[spares++] = head;
            }
            action.run();
        }
        now = Math.max(now, until);
    }

    @Override
    public int pendingTasks() {
        return size;
    }

    private void add(Task task) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        sift(size++, task);
    }

    private void removeAt(int slot) {
        heap[slot].slot = -1;
        Task last = heap[--size];
        heap[size] = null;
        if (slot != size) {
            sift(slot, last);
        }
    }

    /**
     * Puts {@code task}, which belongs in {@code slot} of an otherwise ordered heap, where it belongs: up while it
     * comes before its parent, else down while a child comes before it (only one of the two can apply).
     */
    private void sift(int slot, Task task) {
        if (slot > 0 && task.before(heap[(slot - 1) >>> 1])) {
            do {
                int parent = (slot - 1) >>> 1;
                place(slot, heap[parent]);
                slot = parent;
            } while (slot > 0 && task.before(heap[(slot - 1) >>> 1]));
        } else {
            int half = size >>> 1;
            while (slot < half) {
                int child = 2 * slot + 1;
                Task smaller = heap[child];
                int right = child + 1;
                if (right < size && heap[right].before(smaller)) {
                    child = right;
                    smaller = heap[right];
                }
                if (!smaller.before(task)) {
                    break;
                }
                place(slot, smaller);
                slot = child;
            }
        }
        place(slot, task);
    }

    private void place(int slot, Task task) {
        heap[slot] = task;
        task.slot = slot;
    }

    private final class Task implements Scheduled {
        /** Whether it came from execute, so that no handle to it exists and it may be reused. */
        final boolean reusable;
        long deadline;
        long order;
        Runnable action;
        /** Its index in the heap; -1 once it ran or was cancelled. */
        int slot = -1;

        Task(boolean reusable) {
            this.reusable = reusable;
        }

        void arm(long at, long sequenceNumber, Runnable task) {
            deadline = at;
            order = sequenceNumber;
            action = task;
        }

        boolean before(Task other) {
            return deadline < other.deadline || deadline == other.deadline && order < other.order;
        }

        @Override
        public boolean cancel() {
            if (slot < 0) {
                return false;
            }
            removeAt(slot);
            return true;
        }
    }
}
