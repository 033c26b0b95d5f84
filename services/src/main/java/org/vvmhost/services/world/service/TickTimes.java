package org.vvmhost.services.world.service;

import java.time.Duration;
import java.util.Arrays;

/** Records tick durations in a ring of the last {@link TickStats#WINDOW}; written by the loop, read by anyone. */
final class TickTimes {

    private final long[] ring = new long[TickStats.WINDOW];
    private long ticks;
    private long late;
    private long max;

    synchronized void record(long nanos, boolean wasLate) {
        ring[(int) (ticks % ring.length)] = nanos;
        ticks++;
        max = Math.max(max, nanos);
        if (wasLate) {
            late++;
        }
    }

    TickStats stats() {
        long[] window;
        long count;
        long lateCount;
        long maximum;
        synchronized (this) {
            count = ticks;
            lateCount = late;
            maximum = max;
            window = Arrays.copyOf(ring, (int) Math.min(ticks, ring.length));
        }
        if (window.length == 0) {
            return TickStats.NONE;
        }
        Arrays.sort(window);
        return new TickStats(count, Duration.ofNanos(percentile(window, 0.50)), Duration.ofNanos(percentile(window,
                0.99)), Duration.ofNanos(maximum), lateCount);
    }

    /** Nearest-rank percentile of sorted values. */
    private static long percentile(long[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
