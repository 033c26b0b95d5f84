package org.vvmhost.services.world.service;

/**
 * When the tick loop runs each tick: tick {@code t} is due at {@code originNanos + (t - firstTick) × periodNanos} on
 * the service clock; a period of 0 ticks as fast as it can. The loop publishes a new schedule when it starts and when
 * it skips ahead.
 */
record TickSchedule(long firstTick, long originNanos, long periodNanos) {

    /** Before the loop runs: every tick is due at once. */
    static final TickSchedule UNSTARTED = new TickSchedule(1, 0, 0);

    long dueNanos(long tick) {
        return originNanos + (tick - firstTick) * periodNanos;
    }

    /**
     * The tick a journal write that starts at {@code nowNanos} names: the first tick after {@code startedThrough}
     * (the last tick whose commands are fixed) that is due at least {@code marginNanos} from now, so that the write
     * normally completes long before the tick starts. At the maximum rate, simply the next tick.
     */
    long tickForWrite(long startedThrough, long nowNanos, long marginNanos) {
        long next = startedThrough + 1;
        if (periodNanos <= 0) {
            return next;
        }
        long wanted = nowNanos + marginNanos - originNanos;
        long ticksAhead = wanted <= 0 ? 0 : (wanted + periodNanos - 1) / periodNanos;
        return Math.max(next, firstTick + ticksAhead);
    }
}
