package org.vvmhost.services.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vvmhost.time.Clock;

class VirtualClockTest {

    private final VirtualClock clock = VirtualClock.create();
    private final List<String> ran = new ArrayList<>();

    @Test
    void tasksRunInDeadlineOrderAndEqualDeadlinesInSchedulingOrder() {
        clock.schedule(Duration.ofMillis(2), () -> ran.add("b@2"));
        clock.schedule(Duration.ofMillis(1), () -> ran.add("a@1"));
        clock.schedule(Duration.ofMillis(2), () -> ran.add("c@2"));
        clock.execute(() -> {
            ran.add("now");
            clock.execute(() -> ran.add("now, queued by now"));
        });
        clock.schedule(Duration.ZERO, () -> ran.add("zero delay"));

        clock.runFor(Duration.ofMillis(2));

        assertThat(ran).containsExactly("now", "zero delay", "now, queued by now", "a@1", "b@2", "c@2");
        assertThat(clock.nanoTime()).isEqualTo(Duration.ofMillis(2).toNanos());
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void aCancelledTaskNeverRunsAndLeavesTheQueueAtOnce() {
        Clock.Scheduled timeout = clock.schedule(Duration.ofSeconds(1), () -> ran.add("timeout"));
        Clock.Scheduled reply = clock.schedule(Duration.ofMillis(1), () -> ran.add("reply"));

        assertThat(timeout.cancel()).isTrue();
        assertThat(timeout.cancel()).isFalse();
        assertThat(clock.pendingTasks()).isEqualTo(1);
        clock.runFor(Duration.ofSeconds(2));

        assertThat(ran).containsExactly("reply");
        assertThat(reply.cancel()).as("a task that ran cannot be cancelled").isFalse();
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void runForStopsAtItsSpanAndTimeMovesToItsEnd() {
        clock.schedule(Duration.ofMillis(5), () -> ran.add("at 5"));

        clock.runFor(Duration.ofMillis(3));
        assertThat(ran).isEmpty();
        assertThat(clock.nanoTime()).isEqualTo(Duration.ofMillis(3).toNanos());

        clock.runFor(Duration.ofMillis(2));
        assertThat(ran).containsExactly("at 5");
    }

    /**
     * Random schedules, cancels and nested scheduling from running tasks, with many equal deadlines: every task
     * that is not cancelled runs once, at its deadline, and the run order is the order of (deadline, scheduling
     * order); cancelled tasks never run; the pending count is always exact.
     */
    @Test
    void randomWorkloadsKeepTheOrderAndTheCountsExact() {
        for (long seed = 1; seed <= 40; seed++) {
            new RandomWorkload(seed).check();
        }
    }

    private static final class RandomWorkload {
        private final VirtualClock clock = VirtualClock.create();
        private final SplittableRandom random;
        private final List<Item> scheduled = new ArrayList<>();
        private final List<Item> ran = new ArrayList<>();
        private final Set<Item> cancelled = new HashSet<>();
        private long order;

        RandomWorkload(long seed) {
            random = new SplittableRandom(seed);
        }

        void check() {
            for (int step = 0; step < 300; step++) {
                int choice = random.nextInt(10);
                if (choice < 6) {
                    schedule(random.nextBoolean());
                } else if (choice < 8) {
                    cancelOne();
                } else {
                    clock.runFor(Duration.ofNanos(random.nextInt(6)));
                }
                assertThat(clock.pendingTasks()).isEqualTo(scheduled.size() - ran.size() - cancelled.size());
            }
            clock.runFor(Duration.ofNanos(1_000));

            assertThat(clock.pendingTasks()).isZero();
            assertThat(ran).doesNotContainAnyElementsOf(cancelled).doesNotHaveDuplicates();
            assertThat(ran.size() + cancelled.size()).isEqualTo(scheduled.size());
            for (int i = 1; i < ran.size(); i++) {
                Item before = ran.get(i - 1);
                Item after = ran.get(i);
                assertThat(before.deadline < after.deadline
                        || before.deadline == after.deadline && before.order < after.order)
                        .as("%s ran before %s", before, after).isTrue();
            }
        }

        private void schedule(boolean nested) {
            Item item = new Item(clock.nanoTime() + random.nextInt(4), order++);
            scheduled.add(item);
            Runnable action = () -> {
                assertThat(clock.nanoTime()).isEqualTo(item.deadline);
                ran.add(item);
                if (nested) {
                    // A task that schedules and cancels, as a container completing a request does.
                    schedule(false);
                    cancelOne();
                }
            };
            if (item.deadline == clock.nanoTime() && random.nextBoolean()) {
                clock.execute(action);
            } else {
                item.handle = clock.schedule(Duration.ofNanos(item.deadline - clock.nanoTime()), action);
            }
        }

        private void cancelOne() {
            if (scheduled.isEmpty()) {
                return;
            }
            Item victim = scheduled.get(random.nextInt(scheduled.size()));
            if (victim.handle == null) {
                return;
            }
            boolean pending = !ran.contains(victim) && !cancelled.contains(victim);
            assertThat(victim.handle.cancel()).as("cancel of %s", victim).isEqualTo(pending);
            if (pending) {
                cancelled.add(victim);
            }
        }
    }

    private static final class Item {
        final long deadline;
        final long order;
        /** Null for a task handed to execute, which cannot be cancelled. */
        Clock.Scheduled handle;

        Item(long deadline, long order) {
            this.deadline = deadline;
            this.order = order;
        }

        @Override
        public String toString() {
            return "task " + order + " due at " + deadline;
        }
    }
}
