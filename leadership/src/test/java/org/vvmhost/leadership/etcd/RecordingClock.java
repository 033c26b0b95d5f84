package org.vvmhost.leadership.etcd;

import java.time.Duration;
import java.time.Instant;
import org.vvmhost.time.Clock;

/**
 * The system clock, noting when the last armed renew deadline falls due. The guard arms its deadline (a delay of
 * almost the renew deadline) right after each successful renewal; the keeper's own ticks are shorter, so a delay
 * above {@code threshold} marks a renewal.
 */
final class RecordingClock implements Clock {

    private final Clock delegate;
    private final long thresholdNanos;
    private volatile long lastLongScheduleDueNanos = Long.MIN_VALUE;
    private volatile int longSchedules;

    RecordingClock(Clock delegate, Duration threshold) {
        this.delegate = delegate;
        this.thresholdNanos = threshold.toNanos();
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
        if (delay.toNanos() > thresholdNanos) {
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
