package org.vvmhost.time;

import java.time.Duration;

/** Durations as people write them on the command line: {@code 1s}, {@code 1500ms}, {@code 2m}, never ISO-8601. */
public final class Durations {

    private Durations() {
    }

    /**
     * The largest unit that states {@code duration} exactly: {@code 2h}, {@code 90s}, {@code 1500ms}; a fraction of a
     * millisecond is rounded to the nearest one ({@code 2667ms} for 2/3 of 4s).
     */
    public static String text(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos % 1_000_000 != 0) {
            return Math.round(nanos / 1e6) + "ms";
        }
        long millis = nanos / 1_000_000;
        if (millis == 0 || millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
