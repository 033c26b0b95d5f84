package org.vvmhost.leadership.etcd;

import java.time.Duration;
import java.time.Instant;
import org.vvmhost.time.Clock;

/**
 * The system clock, noting when the last armed renew deadline falls due. The guard arms its deadline (a delay of
 * almost the renew deadline) right after each successful renewal; the keeper's own ticks are shorter and the bounds
 * of etcd calls (the lease TTL) and the compaction rounds longer, so a delay above {@code threshold} and at most the
 * renew deadline marks a renewal.
 */
final class RecordingClock implements Clock {

    private final Clock delegate;
    private final long thresholdNanos;
    private final long renewDeadlineNanos;
    private volatile long lastLongScheduleDueNanos = Long.MIN_VALUE;
    private volatile int longSchedules;

    RecordingClock(Clock delegate, Duration renewDeadline) {
        this.delegate = delegate;
        this.thresholdNanos = renewDeadline.toNanos() / 2;
        this.renewDeadlineNanos = renewDeadline.toNanos();
    }

    @Override
    public long nanoTime() {
        return delegate.nanoTime();
    }

    @Override
    public Instant instant() {
        return delegate.instant();
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable task) {
        if (delay.toNanos() > thresholdNanos && delay.toNanos() <= renewDeadlineNanos) {
            lastLongScheduleDueNanos = delegate.nanoTime() + delay.toNanos();
            longSchedules++;
        }
        return delegate.schedule(delay, task);
    }

    /** When the deadline armed by the last renewal falls due, on this clock's scale. */
    long lastDeadlineNanos() {
        return lastLongScheduleDueNanos;
    }

    int renewals() {
        return longSchedules;
    }
}
