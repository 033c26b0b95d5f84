package org.vvmhost.services.world.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tick a journal write names: the first tick not yet started that is due at least the margin away. */
class TickScheduleTest {

    /** Ticks from 11 on, 50 ms apart from t = 1000 ms: tick 11 at 1000 ms, tick 12 at 1050 ms, ... */
    private static final TickSchedule PACED = new TickSchedule(11, ms(1000), ms(50));

    private static long ms(long millis) {
        return millis * 1_000_000;
    }

    @ParameterizedTest(name = "started through {0}, now {1} ms, margin {2} ms: tick {3}")
    @CsvSource({
            // Right after tick 10: tick 11 is due in 50 ms, far enough.
            "10, 950, 10, 11",
            // Tick 11 is due in 5 ms, closer than the margin: the write names tick 12.
            "10, 995, 10, 12",
            // Exactly the margin away still counts.
            "10, 990, 10, 11",
            // The loop is late (tick 11 was due long ago and has not started): the next due slot with margin.
            "10, 1120, 10, 14",
            // A tick already started is never named, however far its due time.
            "13, 900, 10, 14",
            // No margin: the next tick not yet started, if due now or later.
            "10, 1000, 0, 11"})
    void aWriteNamesTheFirstUnstartedTickDueAtLeastTheMarginAway(long startedThrough, long nowMillis,
            long marginMillis, long expected) {
        assertThat(PACED.tickForWrite(startedThrough, ms(nowMillis), ms(marginMillis))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "max rate, started through {0}: tick {1}")
    @CsvSource({"0, 1", "41, 42"})
    void atTheMaximumRateAWriteNamesTheNextTick(long startedThrough, long expected) {
        assertThat(new TickSchedule(1, 0, 0).tickForWrite(startedThrough, ms(5000), ms(10))).isEqualTo(expected);
    }
}
