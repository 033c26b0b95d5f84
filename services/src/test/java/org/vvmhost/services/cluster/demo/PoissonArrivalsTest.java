package org.vvmhost.services.cluster.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vvmhost.time.Clock;
import org.vvmhost.time.ManualClock;

class PoissonArrivalsTest {

    private static final Duration HORIZON = Duration.ofSeconds(10);
    private static final double RATE = 1000;

    @Test
    void onTimeArrivalsComeAtTheAskedRateAndStopAtTheHorizon() {
        List<Long> times = onTime();

        assertThat(times).isSorted().allMatch(t -> t < HORIZON.toNanos());
        // 10,000 expected; a Poisson count stays within 4 standard deviations (400) of it.
        assertThat(times.size()).isBetween(9_600, 10_400);
    }

    /**
     * A timer thread that runs every task late (as a busy machine does) delays arrivals, but on the absolute
     * timeline it does not thin them out: scheduling each gap from when the previous arrival came would add 0.3 ms
     * to every 1 ms gap and send about a quarter fewer.
     */
    @Test
    void lateTimersDelayArrivalsButDoNotLowerTheRate() {
        List<Long> planned = onTime();
        ManualClock base = new ManualClock();
        long[] fired = new long[1];

        PoissonArrivals arrivals = runUntilStopped(new LateClock(base, Duration.ofNanos(300_000)), base,
                () -> fired[0]++);

        assertThat(fired[0] + arrivals.missed()).isEqualTo(planned.size());
        assertThat(fired[0]).isGreaterThanOrEqualTo(planned.size() - planned.size() / 100);
        assertThat(arrivals.maxLateness()).isGreaterThanOrEqualTo(Duration.ofNanos(300_000))
                .isLessThan(Duration.ofMillis(5));
    }

    @Test
    void arrivalsDueAtTheStopThatNeverCameAreCountedAsMissed() {
        ManualClock base = new ManualClock();
        long[] fired = new long[1];
        // A clock so late that nothing comes within the horizon.
        PoissonArrivals arrivals = runUntilStopped(new LateClock(base, HORIZON.plusSeconds(1)), base,
                () -> fired[0]++);

        assertThat(fired[0]).isZero();
        assertThat(arrivals.missed()).isEqualTo(onTime().size());
    }

    /** Arrival times (from the start) of seed 7 on a clock that runs every task on time. */
    private static List<Long> onTime() {
        ManualClock clock = new ManualClock();
        List<Long> times = new ArrayList<>();
        PoissonArrivals arrivals = runUntilStopped(clock, clock, () -> times.add(clock.nanoTime()));
        assertThat(arrivals.missed()).isZero();
        return times;
    }

    /** Seed 7 on {@code clock}, stopped at the horizon of {@code base} (on time), which then runs on past it. */
    private static PoissonArrivals runUntilStopped(Clock clock, ManualClock base, Runnable arrival) {
        PoissonArrivals arrivals = new PoissonArrivals(clock, 7, RATE, HORIZON, arrival);
        arrivals.start();
        base.schedule(HORIZON, arrivals::stop);
        base.advance(HORIZON.plusSeconds(2));
        return arrivals;
    }

    /** Runs every task {@code lateness} after it was due. */
    private record LateClock(ManualClock base, Duration lateness) implements Clock {
        @Override
        public long nanoTime() {
            return base.nanoTime();
        }

        @Override
        public Instant instant() {
            return base.instant();
        }

        @Override
        public Scheduled schedule(Duration delay, Runnable task) {
            return base.schedule(delay.plus(lateness), task);
        }
    }
}
