package org.vvmhost.services.world.service;

import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * Records tick durations in histograms of fixed size (3 significant digits): the current window and the one
 * before it, each of {@link TickStats#WINDOW} ticks, so percentiles follow the recent ticks. Written by the loop,
 * read by anyone.
 */
final class TickTimes {

    private Histogram current = new Histogram(3);
    private Histogram previous = new Histogram(3);
    private long ticks;
    private long late;
    private long max;

    synchronized void record(long nanos, boolean wasLate) {
        if (current.getTotalCount() == TickStats.WINDOW) {
            Histogram recycled = previous;
            recycled.reset();
            previous = current;
            current = recycled;
        }
        current.recordValue(Math.max(0, nanos));
        ticks++;
        max = Math.max(max, nanos);
        if (wasLate) {
            late++;
        }
    }

    synchronized TickStats stats() {
        if (ticks == 0) {
            return TickStats.NONE;
        }
        Histogram recent = current.copy();
        recent.add(previous);
        return new TickStats(ticks, Duration.ofNanos(recent.getValueAtPercentile(50)),
                Duration.ofNanos(recent.getValueAtPercentile(99)), Duration.ofNanos(max), late);
    }
}
