package org.vvmhost.time;

/** The real clock. It owns one scheduler thread, which {@link #close()} stops and joins. */
public interface SystemClock extends Clock, AutoCloseable {

    /** Creates a system clock whose scheduler thread has the given name. */
    static SystemClock create(String threadName) {
        return new JdkSystemClock(threadName);
    }

    /** Cancels pending tasks, then stops and joins the scheduler thread. Idempotent. */
    @Override
    void close();
}
