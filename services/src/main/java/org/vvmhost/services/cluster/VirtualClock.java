package org.vvmhost.services.cluster;

import java.time.Duration;
import java.util.concurrent.Executor;
import org.vvmhost.time.Clock;

/**
 * A discrete-event clock: time jumps from one scheduled task to the next, and tasks run one by one on the thread
 * that calls {@link #runFor}, in deadline order and, at equal deadlines, in scheduling order. A cluster built on
 * it ({@link ClusterOptions#virtual}) has no threads at all, so a run is deterministic and as fast as the CPU.
 *
 * <p>Not thread-safe by design: schedule and run only from the one thread that drives it.
 */
public interface VirtualClock extends Clock, Executor {

    static VirtualClock create() {
        return new DiscreteEventClock();
    }

    /** Runs {@code task} at the current time, after the tasks already due now. */
    @Override
    void execute(Runnable task);

    /** Runs every task due within {@code span} of now, then sets the time to now + span. */
    void runFor(Duration span);

    /** Runs tasks due now (time does not move) until none is left. */
    default void runDue() {
        runFor(Duration.ZERO);
    }

    /** Tasks scheduled and neither run nor cancelled. */
    int pendingTasks();
}
