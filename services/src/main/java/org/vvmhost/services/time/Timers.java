package org.vvmhost.services.time;

import org.vvmhost.time.Clock;

/** Tasks scheduled on the clock, as their owners keep them: in a field that is null while none is pending. */
public final class Timers {

    private Timers() {
    }

    /** Cancels {@code scheduled}, if there is one (null: none). */
    public static void cancel(Clock.Scheduled scheduled) {
        if (scheduled != null) {
            scheduled.cancel();
        }
    }
}
