package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks one at a time, in order: on one named thread it owns (threaded clusters), or as tasks of the virtual
 * clock (virtual clusters). After shutdown, {@link #execute} throws {@link RejectedExecutionException}.
 */
interface SerialExecutor extends Executor {

    /** Lets queued tasks finish, then ends. */
    void shutdown();

    /** Drops queued tasks and interrupts the running one. */
    void shutdownNow();

    /** Waits for the thread to end; true if it did within {@code timeout}. */
    boolean awaitTermination(Duration timeout);

    /** Whether the caller runs on this executor's thread (virtual: always true). */
    boolean inExecutor();

    static SerialExecutor threaded(String threadName) {
        return new OwnThread(threadName);
    }

    static SerialExecutor virtual(VirtualClock clock) {
        return new OnVirtualClock(clock);
    }

    final class OwnThread implements SerialExecutor {
        private final ThreadPoolExecutor pool;
        private volatile Thread thread;

        OwnThread(String threadName) {
            pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                Thread created = new Thread(runnable, threadName);
                created.setDaemon(true);
                thread = created;
                return created;
            });
            pool.prestartCoreThread();
        }

        @Override
        public void execute(Runnable task) {
            pool.execute(task);
        }

        @Override
        public void shutdown() {
            pool.shutdown();
        }

        @Override
        public void shutdownNow() {
            pool.shutdownNow();
        }

        @Override
        public boolean awaitTermination(Duration timeout) {
            if (inExecutor()) {
                return false;
            }
            try {
                if (!pool.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    return false;
                }
                // Terminated means the worker is exiting: join it, so that no thread outlives its owner.
                Thread worker = thread;
                if (worker != null) {
                    worker.join(timeout.toMillis());
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public boolean inExecutor() {
            return Thread.currentThread() == thread;
        }
    }

    /** Its tasks wait in its own queue; the clock runs one {@link #runNext} per task, so a shutdownNow can drop
     *  them, and a task costs no wrapper. */
    final class OnVirtualClock implements SerialExecutor {
        private final VirtualClock clock;
        private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
        private final Runnable runNext = this::runNext;
        private boolean shut;

        OnVirtualClock(VirtualClock clock) {
            this.clock = clock;
        }

        @Override
        public void execute(Runnable task) {
            if (shut) {
                throw new RejectedExecutionException("executor is shut down");
            }
            queued.add(task);
            clock.execute(runNext);
        }

        private void runNext() {
            Runnable task = queued.poll();
            if (task != null) {
                task.run();
            }
        }

        @Override
        public void shutdown() {
            shut = true;
        }

        @Override
        public void shutdownNow() {
            shut = true;
            queued.clear();
        }

        @Override
        public boolean awaitTermination(Duration timeout) {
            return true;
        }

        @Override
        public boolean inExecutor() {
            return true;
        }
    }
}
