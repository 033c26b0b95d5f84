package org.vvmhost.services.world.service;

import java.time.Duration;

/**
 * How long ticks took: the time of {@link org.vvmhost.services.world.World#step()}, measured on the service's
 * monotonic clock. Percentiles cover the most recent {@link #WINDOW} to 2 × {@link #WINDOW} ticks, to within 0.1%;
 * {@code max} and the counts cover the whole run.
 *
 * @param ticks     ticks computed since the service started
 * @param lateTicks ticks that started more than one period after their scheduled time
 */
public record TickStats(long ticks, Duration p50, Duration p99, Duration max, long lateTicks) {

    /** The window of recent ticks the percentiles are taken over (the current one and the one before). */
    public static final int WINDOW = 1 << 16;

    public static final TickStats NONE = new TickStats(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);

    @Override
    public String toString() {
        return String.format("%d ticks, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d late", ticks, millis(p50),
                millis(p99), millis(max), lateTicks);
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }
}
